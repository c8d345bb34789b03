/* attn-h5-lzf.h: the LZF compression filter (id 32000), registered in-process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * h5py writes LZF whenever a user asks for compression='lzf'; Debian's LZF
 * plugin does not load in a C program, so the viewer registers its own
 * decoder, compatible with h5py's lzf_filter.c.  Decoding only: the viewer
 * never writes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATTN_H5_FILTER_LZF 32000

/* Registers the filter with HDF5.  Call once (the caller guards it). */
gboolean attn_h5_lzf_register (void);

G_END_DECLS
