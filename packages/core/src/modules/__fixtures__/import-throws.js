// Fails while being imported, before any definition exists.
throw new Error("native binding gpu.node was compiled for a different Node.js version");
