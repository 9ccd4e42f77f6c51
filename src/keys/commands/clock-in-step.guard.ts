import { type CanActivate, Inject, Injectable, Optional, UseGuards } from '@nestjs/common';
import { ServiceUnavailable } from '../../shared/application/errors.js';
import { CLOCK_WATCH, type ClockWatch, mayDateChanges, UNWATCHED_CLOCK } from '../../shared/runtime/clock-standing.js';

export const OUTVOTED_CLOCK_MESSAGE =
  "This instance's clock is out of step with most instances' clocks: it takes no change to a key until its clock is fixed. Retry; another instance can take it.";

/**
 * Refuses a change to a key (503) on an instance whose clock most instances outvote: the change would be dated by
 * it (a key created an hour in the future, an expiry judged against the wrong time). Authentication runs first
 * (a global guard), so an unknown key is still 401. A revocation is not guarded: ending a key matters more than
 * the date it carries.
 */
@Injectable()
export class ClockInStepGuard implements CanActivate {
  constructor(@Optional() @Inject(CLOCK_WATCH) private readonly clockWatch: ClockWatch = UNWATCHED_CLOCK) {}

  canActivate(): boolean {
    if (mayDateChanges(this.clockWatch.standing())) return true;
    throw new ServiceUnavailable(OUTVOTED_CLOCK_MESSAGE);
  }
}

/** A route whose change is dated by this instance's clock: refused while the clock is outvoted. */
export const DatedByThisClock = () => UseGuards(ClockInStepGuard);
