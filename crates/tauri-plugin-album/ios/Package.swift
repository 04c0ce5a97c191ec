// swift-tools-version:5.3

import PackageDescription

let package = Package(
  name: "tauri-plugin-album",
  platforms: [
    .iOS(.v14)
  ],
  products: [
    .library(
      name: "tauri-plugin-album",
      type: .static,
      targets: ["tauri-plugin-album"])
  ],
  dependencies: [
    .package(name: "Tauri", path: "../.tauri/tauri-api")
  ],
  targets: [
    .target(
      name: "tauri-plugin-album",
      dependencies: [
        .byName(name: "Tauri")
      ],
      path: "Sources")
  ]
)
