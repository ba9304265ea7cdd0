// runs.* and app.info: start, cancel and read runs through the engine runner.
import { WhittleError } from '../../../shared/errors.ts';
import { RunHistory, summarize } from '../../store/runs.ts';
import type { CallImpl } from '../types.ts';
import { onnxruntimeVersion } from '../version.ts';

export const runsCancel: CallImpl<'runs.cancel'> = async (req, ctx) => ({ cancelled: ctx.runner.cancel(req.runId) });

export const runsList: CallImpl<'runs.list'> = async (req, ctx) => ({ runs: await ctx.history.list(req.limit ?? 50, req.documentPath) });

export const runsUpdate: CallImpl<'runs.update'> = async (req, ctx) => {
  const edit = { ...(req.name !== undefined ? { name: req.name } : {}), ...(req.tags ? { tags: req.tags } : {}), ...(req.note !== undefined ? { note: req.note } : {}) };
  // A running run's record is the runner's (it saves it as nodes finish): edit that one.
  const live = ctx.runner.current(req.runId);
  if (live) {
    RunHistory.edit(live, edit);
    await ctx.history.save(live);
    return { run: summarize(live) };
  }
  return { run: summarize(await ctx.history.update(req.runId, edit)) };
};

export const runsDelete: CallImpl<'runs.delete'> = async (req, ctx) => {
  if (ctx.runner.current(req.runId)) throw new WhittleError('runs.running', 'This run is still running and cannot be deleted.', 'Cancel it first, or wait until it ends.');
  await ctx.history.delete(req.runId);
  return {};
};

export const runsGet: CallImpl<'runs.get'> = async (req, ctx) => {
  const live = ctx.runner.current(req.runId);
  if (live) return { run: live };
  try {
    return { run: await ctx.history.get(req.runId) };
  } catch (err) {
    if (err instanceof WhittleError) throw err;
    throw new WhittleError('runs.unreadable', `The record of run ${req.runId} cannot be read.`, 'It may come from another Whittle version.');
  }
};

export const appInfo: CallImpl<'app.info'> = async (_req, ctx) => ({
  whittleVersion: ctx.whittleVersion,
  onnxruntimeVersion: onnxruntimeVersion(),
  door: ctx.door,
  nativeDialogs: Boolean(ctx.dialogs),
  workspace: ctx.workspace,
  startupDocument: ctx.startupDocument,
});
