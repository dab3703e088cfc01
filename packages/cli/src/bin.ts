#!/usr/bin/env node
import "reflect-metadata";
import { main } from "./program.js";

process.exitCode = await main(process.argv);
