# SPDX-License-Identifier: GPL-3.0-or-later
# The attnview command line of the benchmark figure (sourced by bench/run.sh
# and bench/run-reader-cost.sh): `attnview_cmd ATTNVIEW H5 OUT` sets the
# array cmd.
caption="Figure 1: attention under a perturbation of Q, K or V."

attnview_cmd () { # ATTNVIEW H5 OUT
  cmd=("$1" render "$2" --rows component --cols epsilon
    --row-format "Modifying {label}" --col-format "ε = {label:e}" --cmap coolwarm
    --vmin 0 --vmax 1 --causal-mask --colorbar-label "Attention Weight"
    --caption "$caption" --width 1000 -o "$3")
}
