import type { FieldDef, LocalizedText } from '@closeloop/engine';
import type { Verb } from '../core/context.ts';
import {
  type PathView,
  type PracticeView,
  pathViews,
  practiceView,
  type StageView,
  stageViews,
} from './practice-view.ts';
import { type AssignmentView, assignmentViews, latestSession, loadAssignment } from './store.ts';

export type TrainingAssignmentDetail = {
  assignment: AssignmentView;
  sop: {
    sopId: string;
    version: number;
    name: LocalizedText;
    description: LocalizedText | null;
    fields: FieldDef[];
  };
  stages: StageView[];
  paths: PathView[];
  /** The latest practice run, or null before the first. */
  practice: PracticeView | null;
};

/** One assignment with its SOP's stages (the guidance), every path and the latest run. */
export const getTrainingAssignment: Verb<
  { assignmentId: string },
  TrainingAssignmentDetail
> = async ({ ctx, input }) => {
  const { row, a } = await loadAssignment(ctx, input.assignmentId);
  const sop = await ctx.sops.get(ctx.user.workspaceId, a.sopId, a.sopVersion);
  const [assignment] = await assignmentViews(ctx, [row]);
  if (!assignment) throw new Error('assignment view missing');
  const session = await latestSession(ctx, a.id);
  return {
    assignment,
    sop: {
      sopId: a.sopId,
      version: a.sopVersion,
      name: sop.doc.name,
      description: sop.doc.description ?? null,
      fields: sop.doc.fields,
    },
    stages: stageViews(sop),
    paths: pathViews(sop, a),
    practice: session ? await practiceView(ctx, sop, session) : null,
  };
};
