#!/usr/bin/env bash
# Draws the three figures of the design from the bundled demo file.
#   tools/demo-figures.sh ATTNVIEW DEMO.h5 OUTDIR
set -euo pipefail
av=$1 demo=$2 out=$3
mkdir -p "$out"

# Figure 1: component x epsilon grid of causal attention, one colour bar (the
# layer and head are /figure1/attention's attributes; data/make-demo.py prints them).
fig1=(--dataset /figure1/attention --rows component --cols epsilon
      --row-format "Modifying {label}" --col-format "ε = {label:e}"
      --cmap coolwarm --vmin 0 --vmax 1 --causal-mask
      --colorbar-label "Attention Weight"
      --caption "Figure 1: attention of layer 3, head 0 on prompt 1 after the query, key or value of layer 0 was scaled by ε and the model run on (bundled demo model)."
      --width 960)
for ext in png svg pdf; do
  "$av" render "$demo" "${fig1[@]}" -o "$out/figure1.$ext"
done

# Figure 2: queries of prompt i against keys of prompt j.
"$av" render "$demo" --dataset /figure2/attention --rows query_prompt --cols key_prompt \
  --row-format "Query (Input {label})" --col-format "Key (Input {label})" \
  --caption "Figure 2: layer 3, mean over heads, queries of prompt i against keys of prompt j." \
  --cmap coolwarm --vmin 0 --vmax 1 --causal-mask --colorbar-label "Attention Weight" \
  --width 960 -o "$out/figure2.png"

# Figure 3: layer x token heatmap on Blues, domain 0.5..1, black highlight.
"$av" render "$demo" --dataset /figure3/probe_accuracy --y layer --x token \
  --cmap Blues --vmin 0.5 --vmax 1.0 --colorbar-label "Probe accuracy" \
  --highlight "layer=3:5,token=3:7,color=#000000,width=2.5" \
  --width 640 -o "$out/figure3.png"
