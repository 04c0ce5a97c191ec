// Saves images into Pictures/社保缴费助手 through MediaStore and shares them through the
// system share sheet. Never compiled in this repository's CI: see the crate README.
package cn.shebao.album

import android.Manifest
import android.app.Activity
import android.content.ContentValues
import android.content.Intent
import android.content.pm.PackageManager
import android.media.MediaScannerConnection
import android.net.Uri
import android.os.Build
import android.os.Environment
import android.provider.MediaStore
import androidx.core.content.ContextCompat
import androidx.core.content.FileProvider
import app.tauri.annotation.Command
import app.tauri.annotation.InvokeArg
import app.tauri.annotation.Permission
import app.tauri.annotation.TauriPlugin
import app.tauri.plugin.Invoke
import app.tauri.plugin.JSObject
import app.tauri.plugin.Plugin
import java.io.File

/** The album folder under Pictures; matches `ALBUM_NAME` on the Rust side. */
private const val ALBUM_NAME = "社保缴费助手"

@InvokeArg
class ImageArgs {
    /** The encoded image; the Rust side sends a `Vec<u8>`, a JSON array of numbers. */
    lateinit var bytes: IntArray
    lateinit var fileName: String
}

@TauriPlugin(
    permissions = [
        Permission(strings = [Manifest.permission.WRITE_EXTERNAL_STORAGE], alias = "storage"),
    ],
)
class AlbumPlugin(private val activity: Activity) : Plugin(activity) {

    @Command
    fun saveImage(invoke: Invoke) {
        val args = invoke.parseArgs(ImageArgs::class.java)
        val bytes = ByteArray(args.bytes.size) { args.bytes[it].toByte() }
        try {
            val location = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.Q) {
                insertIntoMediaStore(bytes, args.fileName)
            } else {
                writeToPicturesFolder(bytes, args.fileName)
            }
            val result = JSObject()
            result.put("location", location)
            result.put("fileName", args.fileName)
            invoke.resolve(result)
        } catch (error: Exception) {
            invoke.reject("could not save the image: ${error.message}")
        }
    }

    @Command
    fun shareImage(invoke: Invoke) {
        val args = invoke.parseArgs(ImageArgs::class.java)
        val bytes = ByteArray(args.bytes.size) { args.bytes[it].toByte() }
        try {
            val folder = File(activity.cacheDir, "album-share").apply { mkdirs() }
            val file = File(folder, args.fileName).apply { writeBytes(bytes) }
            val uri = FileProvider.getUriForFile(
                activity,
                "${activity.packageName}.album.fileprovider",
                file,
            )
            val send = Intent(Intent.ACTION_SEND).apply {
                type = mimeType(args.fileName)
                putExtra(Intent.EXTRA_STREAM, uri)
                addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
            }
            activity.startActivity(Intent.createChooser(send, null))
            invoke.resolve()
        } catch (error: Exception) {
            invoke.reject("could not share the image: ${error.message}")
        }
    }

    /** Android 10+: a pending MediaStore entry in Pictures/社保缴费助手, published when written. */
    private fun insertIntoMediaStore(bytes: ByteArray, fileName: String): String {
        val resolver = activity.contentResolver
        val values = ContentValues().apply {
            put(MediaStore.Images.Media.DISPLAY_NAME, fileName)
            put(MediaStore.Images.Media.MIME_TYPE, mimeType(fileName))
            put(
                MediaStore.Images.Media.RELATIVE_PATH,
                "${Environment.DIRECTORY_PICTURES}/$ALBUM_NAME",
            )
            put(MediaStore.Images.Media.IS_PENDING, 1)
        }
        val collection = MediaStore.Images.Media.getContentUri(MediaStore.VOLUME_EXTERNAL_PRIMARY)
        val uri: Uri = resolver.insert(collection, values)
            ?: throw IllegalStateException("MediaStore refused the image")
        try {
            resolver.openOutputStream(uri)?.use { it.write(bytes) }
                ?: throw IllegalStateException("MediaStore gave no output stream")
            values.clear()
            values.put(MediaStore.Images.Media.IS_PENDING, 0)
            resolver.update(uri, values, null, null)
        } catch (error: Exception) {
            resolver.delete(uri, null, null)
            throw error
        }
        return uri.toString()
    }

    /** Android 9 and older: a file in Pictures/社保缴费助手, then a media scan. */
    private fun writeToPicturesFolder(bytes: ByteArray, fileName: String): String {
        val granted = ContextCompat.checkSelfPermission(
            activity,
            Manifest.permission.WRITE_EXTERNAL_STORAGE,
        ) == PackageManager.PERMISSION_GRANTED
        if (!granted) {
            throw SecurityException("storage permission not granted")
        }
        @Suppress("DEPRECATION")
        val pictures = Environment.getExternalStoragePublicDirectory(Environment.DIRECTORY_PICTURES)
        val folder = File(pictures, ALBUM_NAME).apply { mkdirs() }
        val file = File(folder, fileName)
        file.writeBytes(bytes)
        MediaScannerConnection.scanFile(
            activity,
            arrayOf(file.absolutePath),
            arrayOf(mimeType(fileName)),
            null,
        )
        return file.absolutePath
    }

    private fun mimeType(fileName: String): String =
        if (fileName.lowercase().endsWith(".png")) "image/png" else "image/jpeg"
}
