/* attn-h5-info.c: a dataset's description in a file's listing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Apart from attn-h5.c, which makes them: the commands and the viewer hold
 * listings that came from a reader process, and must not link libhdf5 for
 * it (loading it costs a command 18 ms).
 */
#include "attn-h5.h"

void
attn_h5_dataset_info_free (AttnH5DatasetInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->type_name);
  g_strfreev (info->dim_names);
  g_strfreev (info->scales);
  g_strfreev (info->filters);
  g_free (info);
}
