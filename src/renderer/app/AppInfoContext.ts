// What the door we run behind can do (app.info): native dialogs, workspace, versions.
import { createContext } from 'react';
import type { CallResponse } from '../../shared/api/contract.ts';

export type AppInfo = CallResponse<'app.info'>;
export const AppInfoContext = createContext<AppInfo | null>(null);
