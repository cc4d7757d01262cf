{
  "targets": [
    {
      "target_name": "teleport_bpf",
      "sources": ["src/addon.cc", "src/engine.cc", "src/layout.cc", "src/libbpf_util.cc"],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "<!@(pkg-config --cflags libbpf)"],
      "cflags_cc": ["-std=c++17"],
      "libraries": ["<!@(pkg-config --libs libbpf)", "-lelf", "-lz"]
    }
  ]
}
