import { IsBoolean, IsString, IsUUID, Length } from 'class-validator';
import { command } from '../contract.js';
import { CategoryScoped } from './common.js';

/**
 * Deliberation (issue 15): per nominee a panel-only discussion thread. A juror reads and writes a nominee's
 * thread once their own ballot is locked (no anchoring before scoring) and never one of a nominee they are
 * conflicted with; the chair marks a nominee discussed. Comments go to the jury audit chain. The text never
 * travels on events: jurors are told over the socket that a thread changed (`deliberation` frame, only to
 * the jurors allowed to read it) and fetch it over REST, where the same rules are checked again.
 */
export class DeliberationQuery extends CategoryScoped {}

export class PostCommentCommand extends CategoryScoped {
  @IsUUID() nomineeId!: string;
  @IsString() @Length(1, 2000) text!: string;
}

export class MarkDiscussedCommand extends CategoryScoped {
  @IsUUID() nomineeId!: string;
  @IsBoolean() discussed!: boolean;
}

export interface DeliberationComment {
  id: string;
  nomineeId: string;
  jurorId: string;
  /** The author's name on the panel. */
  author: string;
  text: string;
  at: string;
}

export interface DeliberationThread {
  nomineeId: string;
  discussed: boolean;
  comments: DeliberationComment[];
}

/** The threads the caller may read: every nominee of the panel but those they are conflicted with. */
export interface DeliberationView {
  categoryId: string;
  threads: DeliberationThread[];
}

export const deliberationCommands = {
  'jury.deliberation.get': command(DeliberationQuery, ['juror']).returns<DeliberationView>(),
  'jury.deliberation.comment': command(PostCommentCommand, ['juror']).returns<DeliberationComment>(),
  'jury.deliberation.discussed': command(MarkDiscussedCommand, ['juror']).returns<DeliberationThread>(),
} as const;
