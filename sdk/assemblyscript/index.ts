// asc resolves `import … from "troupe-sdk"` to node_modules/troupe-sdk/index.ts: the SDK is in assembly/.
export * from "./assembly/index";
