// Every contract call's implementation, by name: the one place a call is wired.
// To add a call: its entry in src/shared/api/contract.ts, its function in calls/<area>.ts,
// and one line here (keep the groups).
import type { Implementations } from './types.ts';
import { autosaveClear, autosaveRead, autosaveWrite } from './calls/autosave.ts';
import { examplesGet, examplesList } from './calls/examples.ts';
import { documentsOpen, documentsSave, documentsSaveAs, filesList, filesPick } from './calls/files.ts';
import { filesUpload } from './calls/uploads.ts';
import { catalogList, pipelineParse, pipelineSerialize, pipelineValidate } from './calls/pipeline.ts';
import { appInfo, runsCancel, runsDelete, runsGet, runsList, runsUpdate } from './calls/runs.ts';
import { runsStart } from './calls/runs-start.ts';
import { workersList } from './calls/workers.ts';
import { datasetsPreview } from './calls/datasets.ts';
import { modelsGraph, modelsInspect } from './calls/models.ts';
import { modelsView } from './calls/models-view.ts';
import { devicesAcceptHostKey, devicesAdd, devicesCancelProfile, devicesDeleteProfile, devicesList, devicesProbe, devicesProfile, devicesProfiles, devicesRemove, devicesTest, devicesUpdate, devicesUsb } from './calls/devices.ts';

export const IMPLEMENTATIONS: Implementations = {
  'app.info': appInfo,
  'catalog.list': catalogList,
  'pipeline.parse': pipelineParse,
  'pipeline.validate': pipelineValidate,
  'pipeline.serialize': pipelineSerialize,
  'documents.open': documentsOpen,
  'documents.save': documentsSave,
  'documents.saveAs': documentsSaveAs,
  'files.list': filesList,
  'files.pick': filesPick,
  'files.upload': filesUpload,
  'examples.list': examplesList,
  'examples.get': examplesGet,
  'autosave.write': autosaveWrite,
  'autosave.read': autosaveRead,
  'autosave.clear': autosaveClear,
  'runs.start': runsStart,
  'workers.list': workersList,
  'runs.cancel': runsCancel,
  'runs.list': runsList,
  'runs.get': runsGet,
  'runs.update': runsUpdate,
  'runs.delete': runsDelete,
  'models.inspect': modelsInspect,
  'models.graph': modelsGraph,
  'models.view': modelsView,
  'datasets.preview': datasetsPreview,
  'devices.list': devicesList,
  'devices.add': devicesAdd,
  'devices.update': devicesUpdate,
  'devices.remove': devicesRemove,
  'devices.test': devicesTest,
  'devices.acceptHostKey': devicesAcceptHostKey,
  'devices.probe': devicesProbe,
  'devices.usb': devicesUsb,
  'devices.profile': devicesProfile,
  'devices.cancelProfile': devicesCancelProfile,
  'devices.profiles': devicesProfiles,
  'devices.deleteProfile': devicesDeleteProfile,
};
