// electron-builder afterPack hook: flips Electron's fuses in the packaged binary before it
// is signed (https://www.electronjs.org/docs/latest/tutorial/fuses). Plain JavaScript
// because electron-builder loads it without a TypeScript loader.
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/** Whittle's fuses; the Electron e2e spec reads them back from the binary. */
export const WHITTLE_FUSES = {
  version: FuseVersion.V1,
  // No ELECTRON_RUN_AS_NODE: the app binary cannot be used as a plain Node.js.
  [FuseV1Options.RunAsNode]: false,
  // Cookies and local storage encrypted at rest with the OS keychain's key.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS and --inspect/--inspect-brk cannot inject code or a debugger.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // The app code is the signed app.asar, checked against its embedded hash (macOS, Windows).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // The renderer is served from app://, so file:// gets no extra privileges.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** The packaged Electron executable (or .app bundle) of an afterPack context. */
export function packagedBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const name = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${name}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${name}.exe`);
  return join(appOutDir, packager.executableName);
}

export default async function afterPack(context) {
  // Flipping fuses invalidates an ad-hoc signature on Apple silicon; re-sign it ad hoc.
  const resetAdHocDarwinSignature = context.electronPlatformName === 'darwin' && context.arch === 3; // Arch.arm64
  await flipFuses(packagedBinary(context), { ...WHITTLE_FUSES, resetAdHocDarwinSignature });
}
