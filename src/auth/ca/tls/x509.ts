// The one entry to @peculiar/x509: its dependency injection needs the Reflect metadata polyfill
// loaded first, and ESM evaluates imports in order, so every user goes through this module.
import "reflect-metadata";

export * from "@peculiar/x509";
