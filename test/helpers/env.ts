// Settings the local host reads only from process.env (startHost takes no environment of its
// own, and applies local.settings.json to process.env too), set for one test and put back after.

/**
 * Sets `vars` in process.env (undefined removes one) and returns the function that restores the
 * environment as it was before: the values it replaced, and without any variable added since,
 * whether by this call or by the code under test.
 */
export function setEnvUntilRestored(vars: Record<string, string | undefined>): () => void {
  const saved = { ...process.env };
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  };
}
