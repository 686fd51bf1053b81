import { OmitType, PickType } from '@nestjs/swagger';
import {
  AddJurorCommand,
  AdjustShortlistCommand,
  AssignScreeningCommand,
  DeclareEntryConflictCommand,
  OpenScreeningCommand,
  SaveReviewCommand,
  AppointChairCommand,
  CardRevealCommand,
  CastVoteCommand,
  DeclareConflictCommand,
  EditIntakeSubmissionCommand,
  EntryFields,
  IssueTicketsCommand,
  IssueTokenCommand,
  KeyCardsExportCommand,
  MarkDiscussedCommand,
  PostCommentCommand,
  OpenVoteCommand,
  PresenterMessageCommand,
  ProducerCueCommand,
  RemoveJurorCommand,
  RejectIntakeSubmissionCommand,
  ReopenBallotCommand,
  SaveBallotCommand,
  SetShortlistCommand,
  SubmitIntakeCommand,
  TicketStatusQuery,
  VerdictCommand,
} from '#contracts';
import { CommandBody } from './command-body.js';

/*
 * Every REST request body: its command minus what the path names (ceremony, category, juror). The rules
 * are the contract's own, checked once by the global BodyValidationPipe and shown in OpenAPI.
 */

@CommandBody()
export class AddJurorBody extends OmitType(AddJurorCommand, ['ceremony', 'category'] as const) {}

@CommandBody({ optional: true })
export class RemoveJurorBody extends PickType(RemoveJurorCommand, ['overrideReason'] as const) {}

@CommandBody()
export class AppointChairBody extends OmitType(AppointChairCommand, ['ceremony', 'category'] as const) {}

@CommandBody()
export class DeclareConflictBody extends OmitType(DeclareConflictCommand, ['ceremony', 'category'] as const) {}

@CommandBody()
export class SaveBallotBody extends OmitType(SaveBallotCommand, ['ceremony', 'category'] as const) {}

@CommandBody()
export class ReopenBallotBody extends PickType(ReopenBallotCommand, ['reason'] as const) {}

@CommandBody()
export class VerdictBody extends OmitType(VerdictCommand, ['ceremony', 'category'] as const) {}

/** A show cue (CueCommand) or a vote cue (`vote-open` with durationSeconds, `vote-close`), both with categoryId. */
@CommandBody()
export class CueBody extends OmitType(ProducerCueCommand, ['ceremony'] as const) {}

@CommandBody()
export class IssueTokenBody extends OmitType(IssueTokenCommand, ['ceremony'] as const) {}

/** The entry itself (all of EntryFields); its command carries it as `entry`. */
@CommandBody({ under: 'entry' })
export class SubmitEntryBody extends EntryFields {}

@CommandBody()
export class SetShortlistBody extends OmitType(SetShortlistCommand, ['ceremony', 'category'] as const) {}

@CommandBody()
export class CardRevealBody extends OmitType(CardRevealCommand, ['ceremony'] as const) {}

@CommandBody()
export class KeyCardsExportBody extends OmitType(KeyCardsExportCommand, ['ceremony'] as const) {}

@CommandBody()
export class PresenterMessageBody extends OmitType(PresenterMessageCommand, ['ceremony'] as const) {}

/** An entrant's submission through a category's form: `{ answers: { <field key>: value }, trap? }` (trap: the honeypot, left empty). */
@CommandBody()
export class SubmitIntakeBody extends OmitType(SubmitIntakeCommand, ['ceremony', 'category'] as const) {}

/** New answers for one's own submission; the receipt code comes in the Laurel-Receipt header. */
@CommandBody()
export class EditIntakeBody extends OmitType(EditIntakeSubmissionCommand, ['receipt'] as const) {}

@CommandBody()
export class RejectIntakeBody extends PickType(RejectIntakeSubmissionCommand, ['reason'] as const) {}
// Screening rounds (issue 15): the round's entries come from nominations (the gateway reads them), not the body.
@CommandBody({ optional: true })
export class OpenScreeningBody extends PickType(OpenScreeningCommand, ['shortlistSize'] as const) {}

@CommandBody()
export class AssignScreeningBody extends PickType(AssignScreeningCommand, ['k'] as const) {}

@CommandBody()
export class DeclareEntryConflictBody extends OmitType(DeclareEntryConflictCommand, ['ceremony', 'category'] as const) {}

@CommandBody()
export class SaveReviewBody extends PickType(SaveReviewCommand, ['scores'] as const) {}

@CommandBody()
export class AdjustShortlistBody extends OmitType(AdjustShortlistCommand, ['ceremony', 'category'] as const) {}

// Deliberation (issue 15).
@CommandBody()
export class PostCommentBody extends PickType(PostCommentCommand, ['text'] as const) {}

@CommandBody()
export class MarkDiscussedBody extends PickType(MarkDiscussedCommand, ['discussed'] as const) {}
@CommandBody()
export class IssueTicketsBody extends OmitType(IssueTicketsCommand, ['ceremony'] as const) {}

@CommandBody()
export class OpenVoteBody extends OmitType(OpenVoteCommand, ['ceremony', 'category', 'idempotencyKey'] as const) {}

@CommandBody()
export class CastVoteBody extends OmitType(CastVoteCommand, ['ceremony', 'category'] as const) {}

@CommandBody()
export class TicketStatusBody extends OmitType(TicketStatusQuery, ['ceremony'] as const) {}
