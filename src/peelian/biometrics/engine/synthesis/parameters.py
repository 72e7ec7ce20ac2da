"""Tuning constants of the synthetic fingerprint generator.

Distances are pixels at 500 ppi; angles are radians. Ranges are ``(low, high)`` pairs from which
a value is drawn uniformly per master print or per impression.
"""

from __future__ import annotations

# Master print canvas (width, height): about 16 x 20 mm, the size of a flat fingertip capture.
MASTER_SIZE = (320, 400)

# Natural class frequencies (arch, tented arch, left loop, right loop, whorl).
CLASS_FREQUENCIES = (0.037, 0.029, 0.338, 0.317, 0.279)

# --- Fingerprint area (silhouette): half-ellipses above and below a straight section, as
# fractions of the canvas width (half width) and height (the rest).
SILHOUETTE_HALF_WIDTH = (0.40, 0.47)
SILHOUETTE_TOP = (0.36, 0.42)  # from the centre to the fingertip
SILHOUETTE_BOTTOM = (0.50, 0.62)  # from the centre towards the first crease
SILHOUETTE_FLAT = (0.0, 0.06)  # straight section between the upper and lower arcs
SILHOUETTE_CENTRE_JITTER = 0.02

# --- Singular points. x ranges are fractions of the width, y ranges and spans of the height.
# Loops (a left loop; right loops are mirrored): the delta lies below and to the right of the
# core, at LOOP_SPAN (about 5 to 20 ridges away) and LOOP_DELTA_ANGLE radians below the
# horizontal.
LOOP_CORE_X = (0.38, 0.56)
LOOP_CORE_Y = (0.30, 0.50)
LOOP_SPAN = (0.16, 0.45)
LOOP_DELTA_ANGLE = (0.5, 1.3)
# Whorls: two cores LOOP_CORE_GAP apart on a line tilted WHORL_CORE_TILT from vertical, and a
# delta on each side, WHORL_DELTA_DX out and WHORL_DELTA_DY down from the centre.
WHORL_CENTRE_X = (0.42, 0.58)
WHORL_CENTRE_Y = (0.38, 0.52)
WHORL_CORE_GAP = (0.03, 0.16)
WHORL_CORE_TILT = (-1.0, 1.0)
WHORL_DELTA_DX = (0.25, 0.42)
WHORL_DELTA_DY = (0.18, 0.36)
# Tented arches: a delta straight below the core.
TENTED_CORE_X = (0.42, 0.58)
TENTED_CORE_Y = (0.36, 0.52)
TENTED_SPAN = (0.12, 0.25)
# Singular points are kept this far (fraction of each side) inside the canvas.
SINGULAR_MARGIN = 0.06
# Vizcaya-Gerhardt correction: per-singularity random offsets of the eight knots of the
# piecewise-linear angle map, as a fraction of the knot spacing (< 0.5 keeps it monotonic).
VG_KNOT_JITTER = 0.25
# Arch: amplitude (fraction of the height) and width (fraction of the width) of the hump.
ARCH_AMPLITUDE = (0.25, 0.42)
ARCH_WIDTH = (0.22, 0.34)
ARCH_CENTRE = (0.5, 0.55)
ARCH_CENTRE_JITTER = 0.03  # fraction of the width
ARCH_PROFILE = 0.3  # vertical extent of the hump, fraction of the height
GLOBAL_ROTATION = (-0.25, 0.25)

# --- Density map: ridge period in pixels (~9 px at 500 ppi).
PERIOD_BASE = (8.3, 10.0)
PERIOD_SINGULAR_BUMP = 1.0  # extra period at a singular point
PERIOD_SINGULAR_RADIUS = 45.0
PERIOD_NOISE = 0.6  # amplitude of smooth random variation
PERIOD_NOISE_SCALE = 60.0  # spatial scale of that variation
PERIOD_GRADIENT = (0.0, 0.8)  # extra period from fingertip to crease
PERIOD_RANGE = (6.5, 13.0)

# --- Gabor growth.
ORIENTATION_BINS = 16
PERIOD_BIN_WIDTH = 1.0
GABOR_SIGMA = 0.5  # isotropic Gaussian envelope, in ridge periods
GABOR_RADIUS = 3.0  # kernel radius in envelope sigmas
GROWTH_TILE = 64
GROWTH_SCALE = 2  # growth runs at 1/GROWTH_SCALE resolution, then is refined at full size
GROWTH_REFINE_ITERATIONS = 3
GROWTH_SEEDS = (15, 30)
GROWTH_GAIN = 3.0
GROWTH_MAX_ITERATIONS = 40
GROWTH_COVERED = 0.98  # fraction of pixels the pattern must reach
GROWTH_CONVERGED = 0.001  # fraction of saturated pixels changing sign between iterations

# --- Random minutiae: dislocation pairs planted after growth (see _dislocations.py).
# Pairs drawn per master print (Poisson mean); those outside the finger or near a core or
# delta are skipped, so a master gets about 25 more minutiae.
DISLOCATION_PAIRS = 70.0
DISLOCATION_LENGTH = (2.5, 6.0)  # length of the inserted ridge or valley, in ridge periods
DISLOCATION_FADE = 4.0  # the change fades out this many periods from the pair
DISLOCATION_CLEARANCE = 35.0  # pixels from any core or delta
DISLOCATION_REFINE_ITERATIONS = 2  # growth iterations that heal the seams

# --- Ground-truth minutiae.
MINUTIA_BORDER_MARGIN = 14.0  # drop minutiae this close to the silhouette edge
MINUTIA_TRACE_LENGTH = 10  # skeleton pixels followed to measure a direction
MINUTIA_MIN_BRANCH = 6  # endings on skeleton branches shorter than this are spurs

# --- Impressions. The impression canvas has the master's size.
ROTATION = (-0.45, 0.45)  # about +-26 degrees
TRANSLATION = (-45.0, 45.0)
CONTACT_SEMI_AXES = ((0.245, 0.45), (0.285, 0.51))  # fractions of (width, height)
CONTACT_CENTRE = (0.5, 0.55)  # fraction of (width, height)
CONTACT_CENTRE_JITTER = (0.10, 0.10)
CONTACT_TILT = (-0.25, 0.25)
CONTACT_EDGE = 16.0  # width of the fading rim of the contact region
PRESSURE_VARIATION = (0.0, 0.45)  # how much ink a light-pressure area loses
PRESSURE_SCALE = 90.0
DISTORTION_CLOSE_RADIUS = (30.0, 60.0)
DISTORTION_BAND = (70.0, 120.0)
DISTORTION_ROTATION = (-0.10, 0.10)
DISTORTION_SHIFT = (-15.0, 15.0)
MORPHOLOGY = (-1, 1)  # < 0 erodes ridges (dry skin), > 0 dilates them (wet skin)
BREAK_PROBABILITY = 0.3  # chance that dry skin also breaks ridges into fragments
BREAK_SCALE = 5.0
BREAK_FRACTION = 0.55  # breaks erase where the break noise is below -BREAK_FRACTION
SKIN_PATCH_SCALE = 60.0  # dry or wet skin affects patches of about this size
CREASE_PROBABILITY = 0.35
CREASES = (1, 4)
CREASE_LENGTH = (50.0, 220.0)
CREASE_WIDTH = (1, 3)
CREASE_TILT = 0.6  # creases run within this angle of horizontal
NOISE_SIGMA = (4.0, 12.0)  # sensor noise; a third of it on the background
BACKGROUND = (215.0, 250.0)
BACKGROUND_VARIATION = 8.0
RIDGE_INK = (10.0, 80.0)
TEXTURE = (0.2, 0.7)  # how much ink the skin texture (pores, creases) removes
TEXTURE_SCALE = 2.5
TEXTURE_THRESHOLD = 0.05  # texture noise above this starts removing ink
BLUR_SIGMA = (0.5, 1.0)
INK_BLUR = 0.7  # anti-aliasing of the binary ridge ink before warping
BACKGROUND_SCALE = 120.0
BACKGROUND_NOISE_SHARE = 0.35  # sensor noise on the background relative to the ridges
MAP_STEP = 4  # the distortion is inverted exactly every MAP_STEP px, interpolated between
