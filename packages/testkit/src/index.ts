export * from "./system-prerequisites.js";
