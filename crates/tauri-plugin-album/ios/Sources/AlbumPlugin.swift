// Adds images to the photo library (add-only access) and shares them through the share sheet.
// Never compiled in this repository's CI: see the crate README.
//
// The app's Info.plist must carry NSPhotoLibraryAddUsageDescription, e.g.
// "保存缴费证明图片到相册" — iOS terminates the app on the first request without it.

import Photos
import SwiftRs
import Tauri
import UIKit
import WebKit

class ImageArgs: Decodable {
  /// The encoded image; the Rust side sends a `Vec<u8>`, a JSON array of numbers.
  let bytes: [UInt8]
  let fileName: String
}

class AlbumPlugin: Plugin {
  @objc public func saveImage(_ invoke: Invoke) throws {
    let args = try invoke.parseArgs(ImageArgs.self)
    let data = Data(args.bytes)
    PHPhotoLibrary.requestAuthorization(for: .addOnly) { status in
      guard status == .authorized || status == .limited else {
        invoke.reject("photo library access (add only) was not granted")
        return
      }
      var placeholder: PHObjectPlaceholder?
      PHPhotoLibrary.shared().performChanges({
        let options = PHAssetResourceCreationOptions()
        options.originalFilename = args.fileName
        let request = PHAssetCreationRequest.forAsset()
        request.addResource(with: .photo, data: data, options: options)
        placeholder = request.placeholderForCreatedAsset
      }) { success, error in
        if success, let identifier = placeholder?.localIdentifier {
          invoke.resolve(["location": identifier, "fileName": args.fileName])
        } else {
          invoke.reject("could not save the image: \(error?.localizedDescription ?? "unknown")")
        }
      }
    }
  }

  @objc public func shareImage(_ invoke: Invoke) throws {
    let args = try invoke.parseArgs(ImageArgs.self)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(args.fileName)
    try Data(args.bytes).write(to: url, options: .atomic)
    DispatchQueue.main.async {
      guard let viewController = self.manager.viewController else {
        invoke.reject("no view to present the share sheet from")
        return
      }
      let sheet = UIActivityViewController(activityItems: [url], applicationActivities: nil)
      // iPad presents the sheet as a popover, which needs an anchor.
      sheet.popoverPresentationController?.sourceView = viewController.view
      viewController.present(sheet, animated: true) {
        invoke.resolve()
      }
    }
  }
}

@_cdecl("init_plugin_album")
func initPlugin() -> Plugin {
  return AlbumPlugin()
}
