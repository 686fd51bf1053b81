/**
 * The browser-safe face of the contracts, for apps/web (alias `@laurel/contracts`): the socket and
 * REST payload types and the pure helpers the pages share with the services (the commitment check).
 * Nothing here may import node: modules, class-validator or reflect-metadata: dependency-cruiser
 * (`web-contracts-browser-safe`) checks that this file's imports stay so.
 */
export * from './live.js';
export * from './ceremony.js';
export * from './errors.js';
export * from './commitment.js';
export * from './show-clock.js';
export * from './intake.js';
export * from './merkle.js';
export * from './ballot-receipt.js';
export * from './vote-receipt.js';
export type { IssuedTickets, IssuedTicket, VoteWindowView, VoteProof, TicketStatus } from './commands/vote.js';
export * from './audit-anchor.js';
export type { ImportCeremonyResult, IssuedToken, TokenInfo, TokenRole } from './commands/nominations.js';
export type { IntakeFormView, IntakeReceipt, IntakeStatus, IntakeSubmissionView, IntakeSubmissionAdminView, IntakeSubmissionPage, IntakeReviewResult } from './commands/intake.js';
export type { BallotProof, BallotView, JurorView, PanelStatus, SealResult, VerdictResult, RankingRow, AuditVerification } from './commands/jury.js';
export type { ScreeningView, ScreeningRanking, ScreeningRankingRow, ReviewView, AssignmentView, FrozenShortlist, ShortlistAdjustment, ScreeningEntryView } from './commands/screening.js';
export type { DeliberationView, DeliberationThread, DeliberationComment } from './commands/deliberation.js';
export type { CueAction, CueResult, ProducerCueAction, ShowSnapshot, VoteCueAction, VoteCueResult } from './commands/announcements.js';
export * from './reveal-v2.js';
