// Mesos v1 operator API (`POST /api/v1`): call parsing, response shapes and envelope builder.
export * from "./call.js";
export * from "./response.js";
