/*
 * calibrate.h -- what a calibration's A/A pairs say: how often the
 * suite's noise setting calls a change between two sessions of the same
 * code, and the noise between sessions learned from the pairs.
 */
#ifndef BENCHD_CALIBRATE_H
#define BENCHD_CALIBRATE_H

#include <stddef.h>

#include "store.h"

#define CALIBRATION_MIN_PAIRS	5	/* pairs compared to learn a noise */
#define CALIBRATION_MAX_PAIRS	1000
#define CALIBRATION_PAIRS	10	/* when none is asked for */

/*
 * Work out calibration c from its sessions as they are now.  Each pair
 * not compared yet whose two sessions ended completed or unstable is
 * compared, b against a, with the calibration's noise alone
 * (compare_sessions without CMP_LEARN): its verdict, change and CI; a
 * pair compared before keeps what it had.  counted is how many pairs were
 * compared, regressed and improved how many of them the noise called so,
 * false_rate (regressed + improved) / counted; learned is Q3 + 3 IQR of
 * the pairs' |changes| (stats_noise_threshold), NAN with fewer than
 * CALIBRATION_MIN_PAIRS.  The state is running while a session of it is
 * queued or running, then completed, or failed when no pair could be
 * compared; reason says why pairs are missing or nothing was learned.
 * Returns how many pairs were compared now.
 */
size_t	calibration_tally(struct store *, struct calibration_row *);

/*
 * Tally every running calibration and store the pairs it compared; those
 * whose sessions have all ended are settled.  Returns how many were.
 */
size_t	calibration_settle(struct store *);

#endif
