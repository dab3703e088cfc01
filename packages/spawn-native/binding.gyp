{
  "targets": [
    {
      "target_name": "tessera_spawn",
      "sources": ["native/spawn.c"],
      "defines": ["_GNU_SOURCE", "NAPI_VERSION=8"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
