// Module resolution hook for @assembly-js/node-sdk.
//
// The SDK is published as ES modules ("type": "module") whose relative imports
// have no file extension ("../codegen/api", "./ApiError"). Bundlers (Next.js,
// webpack) accept that; Node's own ES module loader does not, and fails with
// ERR_UNSUPPORTED_DIR_IMPORT / ERR_MODULE_NOT_FOUND. This hook retries such
// imports, only inside the SDK, with ".js" and "/index.js" appended — what a
// bundler does. The SDK's code is otherwise loaded and run unchanged.

const SDK_DIR = '/node_modules/@assembly-js/node-sdk/';
const RETRYABLE = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT']);

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    const fromSdk = context.parentURL && context.parentURL.includes(SDK_DIR);
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (!fromSdk || !relative || !RETRYABLE.has(err.code)) throw err;
    for (const suffix of ['.js', '/index.js']) {
      try {
        return await nextResolve(specifier + suffix, context);
      } catch {
        // try the next suffix
      }
    }
    throw err;
  }
}
