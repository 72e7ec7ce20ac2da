"""Every tuning constant of the fingerprint engine, in one place.

Lengths are in pixels at 500 ppi unless a name says otherwise; angles are in radians. The values
were chosen from the literature cited next to each group and checked on development data; they are
not fitted to individual images.
"""

from __future__ import annotations

from typing import Final

# --- Image input ------------------------------------------------------------------------------
TARGET_PPI: Final = 500
"""Resolution every image is resampled to before extraction."""
MIN_IMAGE_SIDE: Final = 100
"""Smallest accepted side of the input image, in pixels (after resampling)."""
MAX_IMAGE_SIDE: Final = 4000
"""Largest accepted side of the input image, in pixels (before and after resampling)."""
MIN_PPI: Final = 150
MAX_PPI: Final = 2000
BLANK_STD: Final = 4.0
"""Images whose grey levels have a smaller standard deviation are rejected as blank."""

# --- Field grid -------------------------------------------------------------------------------
FIELD_SCALE: Final = 4
"""Orientation, coherence and the foreground mask are computed on cells of this many pixels."""

PRESMOOTH_SIGMA: Final = 1.5
"""Gaussian smoothing before orientation and segmentation, which bridges the dots of dry or
pored ridges without blurring ridges at 500 ppi (period 7-12 px)."""

# --- Segmentation (Bazen & Gerez 2001; Maltoni et al. 2009, section 3.2) -------------------------
SEGMENT_WINDOW: Final = 17
"""Side of the window over which local contrast is measured."""
SEGMENT_CONTRAST: Final = 0.3
"""A pixel is foreground when its local standard deviation exceeds this fraction of the
robust (95th percentile) local standard deviation of the image."""
SEGMENT_REFERENCE_PERCENTILE: Final = 95.0
"""Percentile of local contrast taken as the image's own (robust) ridge contrast."""
SEGMENT_COHERENCE: Final = 0.15
"""Minimum orientation coherence for a foreground pixel."""
SEGMENT_CLOSE: Final = 15
SEGMENT_OPEN: Final = 21
MIN_FOREGROUND_FRACTION: Final = 0.05
MIN_FOREGROUND_PIXELS: Final = 6000
MIN_RIDGE_COHERENCE: Final = 0.32
"""Mean orientation coherence of the foreground below which there are no usable ridges
(white noise gives about 0.2, the poorest FVC2002 DB1 impression about 0.42)."""
MIN_RIDGE_ENERGY: Final = 0.2
"""Mean share of spectral power in the ridge band below which there are no usable ridges
(white noise gives about 0.11, the poorest FVC2002 DB1 impression about 0.29)."""

# --- Orientation (Kass & Witkin 1987; Bazen & Gerez 2002) -------------------------------------
ORIENTATION_SIGMA: Final = 5.0
"""Gaussian sigma for averaging the gradient tensor."""
ORIENTATION_SMOOTH_SIGMA: Final = 6.0
"""Gaussian sigma for smoothing the doubled-angle orientation vectors."""

# --- Short-time Fourier analysis, ridge frequency and enhancement ------------------------------
# (Chikkerur, Cartwright & Govindaraju 2007; Hong, Wan & Jain 1998)
STFT_BLOCK: Final = 48
"""Side of the overlapping analysis blocks."""
STFT_STEP: Final = 16
"""Distance between block centres (half a block, so that Hann windows overlap-add evenly)."""
STFT_CHUNK: Final = 32
"""Blocks transformed at a time (speed only: small enough to stay in the processor cache)."""
MIN_RIDGE_PERIOD: Final = 5.0
MAX_RIDGE_PERIOD: Final = 15.0
DEFAULT_RIDGE_PERIOD: Final = 9.0
ANALYSIS_MARGIN_CELLS: Final = 5
"""Blocks within this many field cells of the foreground are analysed and enhanced."""
FREQ_ANGULAR_SIGMA: Final = 0.35
"""Angular width, in radians, of the spectral sector used to measure ridge frequency."""
FREQ_SMOOTH_BLOCKS: Final = 3
"""Side, in blocks, of the median filter applied to the block ridge frequencies."""
FILTER_RADIAL_SIGMA: Final = 0.35
"""Radial bandwidth of the enhancement filter, as a fraction of the ridge frequency."""
FILTER_ANGULAR_SIGMA: Final = 0.22
"""Angular bandwidth of the enhancement filter for perfectly coherent ridges, in radians."""
FILTER_ANGULAR_SIGMA_MAX: Final = 0.5
"""Angular bandwidth where the orientation is unreliable, in radians."""

# --- Skeleton clean-up and minutiae (Maltoni et al. 2009, section 3.7-3.8) ---------------------
MIN_SKELETON_COMPONENT: Final = 12
"""Skeleton fragments with fewer pixels are discarded."""
TRACE_LENGTH: Final = 12
"""Steps traced along the skeleton to find a minutia's direction."""
BORDER_DISTANCE: Final = 10.0
"""Minutiae closer than this to the foreground border are removed."""
CLUSTER_DISTANCE: Final = 8.0
"""Two minutiae closer than this are both removed (breaks, bridges, spurs)."""
BREAK_DISTANCE: Final = 16.0
"""Two endings closer than this that face each other are a broken ridge; both are removed."""
BREAK_ANGLE: Final = 0.6
"""Tolerance, in radians, on the two endings of a broken ridge pointing in opposite ways."""
BREAK_AHEAD_ANGLE: Final = 0.9
"""The gap of a broken ridge must lie within this angle of each ending's direction."""
BORDER_FULL_QUALITY: Final = 40.0
"""Minutiae this far from the border or more keep their full quality."""
SPUR_LENGTH: Final = 14
"""A ridge from an ending that reaches another minutia within this many steps is a spur or
a fragment; both minutiae are removed."""
MAX_MINUTIAE: Final = 64
"""Most minutiae kept per template (best quality first)."""
MIN_MINUTIAE: Final = 4
"""Fewer minutiae than this make the template unusable (image quality 0)."""

# --- Image quality ----------------------------------------------------------------------------
QUALITY_FULL_COHERENCE: Final = 0.7
QUALITY_FULL_ENERGY: Final = 0.8
QUALITY_FULL_AREA: Final = 60000.0
"""Foreground area (pixels at 500 ppi) from which area no longer limits quality."""
QUALITY_FULL_MINUTIAE: Final = 25

# --- Matcher: local descriptors (Cappelli, Ferrara & Maltoni 2010, MCC) ------------------------
MCC_RADIUS: Final = 70.0
MCC_SPATIAL_CELLS: Final = 8
MCC_ANGULAR_CELLS: Final = 4
MCC_SIGMA_S: Final = 9.0
MCC_SIGMA_D: Final = 0.6
MCC_BIT_THRESHOLD: Final = 0.4
"""A cell's bit is set when its (unnormalised) contribution exceeds this."""
MCC_HULL_MARGIN: Final = 50.0
"""Cells farther than this outside the minutiae's convex hull are invalid."""
MCC_MIN_VALID_CELLS: Final = 0.6
MCC_MIN_NEIGHBOURS: Final = 2

# --- Matcher: consolidation -------------------------------------------------------------------
MATCH_MINUTIAE: Final = 44
"""Minutiae compared per template (best quality first); keeps a packed gallery entry <= 2 KiB."""
SEED_PAIRS: Final = 6
"""Seed pairs (best whole-cylinder similarities) that vote on the alignment; each is one
rigid-alignment hypothesis."""
SEED_HYPOTHESES: Final = 3
"""Hypotheses with the most votes that are evaluated in full per comparison."""
CONSENSUS_ANGLE: Final = 0.35
"""Two seed pairs agree when their rotations differ by less than this."""
CONSENSUS_DISTANCE_REL: Final = 0.2
CONSENSUS_DISTANCE_MIN: Final = 14.0
"""...and one seed's transform carries the other's probe minutia within the larger of these
(relative to their distance, absolute in pixels) of its candidate minutia."""
SEED_PROBE_MINUTIAE: Final = 44
"""Only this many of the probe's best minutiae are searched for alignment seeds."""
SEED_EVIDENCE_MINUTIAE: Final = 44
"""Alignment hypotheses are ranked on this many of the probe's best minutiae."""
X_BUCKET: Final = 8.0
"""Width, in pixels, of the x buckets indexing a template's x-sorted minutiae (speed only)."""
PAIR_DISTANCE: Final = 14.0
"""Largest distance between two minutiae paired under the global alignment."""
PAIR_ANGLE: Final = 0.5
"""Largest direction difference between two paired minutiae."""
OVERLAP_DISTANCE: Final = 40.0
"""A minutia lies in the common area when another template's minutia is this close."""
EDGE_REACH: Final = 120.0
"""Pairs farther apart than this are not checked against each other."""
EDGE_DISTANCE_REL: Final = 0.15
EDGE_DISTANCE_MIN: Final = 6.0
"""An edge is consistent when its lengths differ by less than the larger of these (relative,
absolute in pixels)."""
EDGE_ANGLE: Final = 0.5
"""An edge is consistent when its angles relative to both minutiae differ by less than this."""
SCORE_MIN_OVERLAP: Final = 12.0
"""Floor on the number of minutiae in the common area when normalising the evidence, so that
tiny overlaps cannot score high on a handful of chance pairs."""
SCORE_SIMILARITY_WEIGHT: Final = 0.5
"""Weight of the local-similarity and closeness evidence relative to edge consistency."""

# --- Score calibration ------------------------------------------------------------------------
# Fitted by bench/bio_calibrate.py on 11,520 impostor comparisons (FVC2002 DB1_B all pairs of
# different fingers, plus mirrored templates). Knots map raw similarity to -10*log10(FMR).
CALIBRATION_RAW: Final = (
    0,
    0.057055,
    0.076932,
    0.095897,
    0.12665,
    0.15195,
    0.17576,
    0.1919,
    0.21603,
    0.24521,
    0.26245,
    0.26857,
    0.28969,
)
CALIBRATION_SCORE: Final = (
    0,
    3.01,
    5.229,
    6.99,
    10,
    13.01,
    15.23,
    16.99,
    20,
    23.01,
    25.23,
    26.99,
    30,
)
CALIBRATION_TAIL_SLOPE: Final = 115.42
"""Score per unit of raw similarity beyond the last knot (exponential impostor tail)."""
