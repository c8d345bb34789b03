#!/usr/bin/python3
# make-untrusted-fixtures.py: HDF5 files that are valid but unusual, or
# damaged, each of which once crashed or hung attnview (test-untrusted.c).
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   make-untrusted-fixtures.py DIR     writes DIR/*.h5
#
# Each file holds /a, float32 (4, 6), values i * 6 + j, so that a read that
# succeeds can be checked.  Where h5py cannot write an attribute of the kind
# wanted (DIMENSION_LABELS as integers, DIMENSION_LIST of integers), its
# low-level API or a plain overwrite of the attribute does.
import os
import sys
import zlib

import h5py
import numpy as np

VALUES = np.arange(24, dtype=np.float32).reshape(4, 6)


def plain(path, **kw):
    f = h5py.File(path, 'w', **kw)
    f.create_dataset('a', data=VALUES)
    return f


def replace_attr(obj, name, value):
    if name in obj.attrs:
        del obj.attrs[name]
    obj.attrs.create(name, value)


def labels_fixed(path):
    """DIMENSION_LABELS as a fixed-length string array (valid HDF5)."""
    with plain(path) as f:
        replace_attr(f['a'], 'DIMENSION_LABELS', np.array([b'query', b'key'], dtype='S8'))


def labels_int(path):
    """DIMENSION_LABELS of integers; dimension 1 also has a scale 'tok'."""
    with plain(path) as f:
        f['tok'] = np.array([b'a', b'b', b'c', b'd', b'e', b'f'])
        f['tok'].make_scale('tok')
        f['a'].dims[1].attach_scale(f['tok'])
        replace_attr(f['a'], 'DIMENSION_LABELS', np.array([7, 9], dtype=np.int32))


def labels_shape(path):
    """DIMENSION_LABELS of one string for a rank-2 dataset, and a 2-D one."""
    with plain(path) as f:
        str_t = h5py.string_dtype()
        replace_attr(f['a'], 'DIMENSION_LABELS', np.array(['query'], dtype=object).astype(str_t))
        f.create_dataset('b', data=VALUES)
        replace_attr(f['b'], 'DIMENSION_LABELS',
                     np.array([['x', 'y'], ['z', 'w']], dtype=object).astype(str_t))


def dimlist_int(path):
    """DIMENSION_LIST of integers, then of variable-length integers."""
    with plain(path) as f:
        f['a'].dims[0].label = 'query'
        replace_attr(f['a'], 'DIMENSION_LIST', np.array([1, 2], dtype=np.int64))
        f.create_dataset('b', data=VALUES)
        f['b'].dims[1].label = 'key'
        vl = h5py.vlen_dtype(np.int32)
        data = np.empty(2, dtype=object)
        data[0] = np.array([1, 2], dtype=np.int32)
        data[1] = np.array([3], dtype=np.int32)
        f['b'].attrs.create('DIMENSION_LIST', data, dtype=vl)


def reflist_int(path):
    """A scale whose REFERENCE_LIST is integers and whose CLASS is a
    variable-length string; another whose CLASS is an integer."""
    with plain(path) as f:
        f['tok'] = np.arange(6, dtype=np.int64)
        f['tok'].make_scale('tok')
        f['a'].dims[1].attach_scale(f['tok'])
        replace_attr(f['tok'], 'REFERENCE_LIST', np.array([1, 2, 3], dtype=np.int32))
        replace_attr(f['tok'], 'CLASS', 'DIMENSION_SCALE')  # vlen str
        f['odd'] = VALUES
        replace_attr(f['odd'], 'CLASS', np.int32(5))


def huge_scale(path):
    """A scale that declares 2^40 labels (chunked, nothing written)."""
    with h5py.File(path, 'w') as f:
        big = 1 << 40
        f.create_dataset('a', shape=(4, big), dtype=np.float32, chunks=(4, 1024))
        f.create_dataset('tok', shape=(big,), dtype=np.int64, chunks=(1024,))
        f['tok'].make_scale('tok')
        f['a'].dims[1].attach_scale(f['tok'])
        f.create_dataset('s', shape=(big,), dtype='S16', chunks=(1024,))
        f['s'].make_scale('s')
        f['a'].dims[0].attach_scale(f['s'])
        # A fitting dataset with the same wrong-length scale: ignored early.
        f.create_dataset('b', data=VALUES)
        f['b'].dims[1].attach_scale(f['tok'])


def short_chunk(path, shuffle=False, fletcher32=False):
    """A gzip chunk whose stream inflates to fewer bytes than the chunk."""
    with h5py.File(path, 'w') as f:
        d = f.create_dataset('a', data=VALUES, chunks=(2, 6), compression='gzip',
                             shuffle=shuffle, fletcher32=fletcher32)
        raw = zlib.compress(b'\x01' * 10)
        if fletcher32:
            raw += b'\0\0\0\0'  # never checked: the length fails first
        d.id.write_direct_chunk((2, 0), raw, 0)


def long_chunk(path):
    """A gzip chunk whose stream inflates to more bytes than the chunk."""
    with h5py.File(path, 'w') as f:
        d = f.create_dataset('a', data=VALUES, chunks=(2, 6), compression='gzip')
        d.id.write_direct_chunk((0, 0), zlib.compress(b'\x01' * 4096), 0)


def bad_chunk(path):
    """A gzip chunk that is not a deflate stream at all."""
    with h5py.File(path, 'w') as f:
        d = f.create_dataset('a', data=VALUES, chunks=(2, 6), compression='gzip')
        d.id.write_direct_chunk((0, 0), b'\x78\x9c' + b'\xff' * 30, 0)


def flipped_latest(path):
    """libver='latest' with one flipped bit in the superblock's end-of-file
    address: its checksum fails, which a SWMR-read open retries."""
    with plain(path, libver='latest'):
        pass
    with open(path, 'r+b') as fh:
        fh.seek(28)
        b = fh.read(1)
        fh.seek(28)
        fh.write(bytes([b[0] ^ 0x01]))


def flipped_header(path):
    """libver='latest' with one flipped bit in /a's object header."""
    with plain(path, libver='latest') as f:
        addr = h5py.h5o.get_info(f['a'].id).addr
    with open(path, 'r+b') as fh:
        fh.seek(addr + 12)
        b = fh.read(1)
        fh.seek(addr + 12)
        fh.write(bytes([b[0] ^ 0x10]))


def valid_chunks(path):
    """Sound gzip chunks the check must pass: edge chunks, a chunk never
    written (fill values), fletcher32 before gzip (inside the stream, as the
    low-level API allows), and gzip with the filter skipped for one chunk."""
    with h5py.File(path, 'w') as f:
        f.create_dataset('a', data=VALUES, chunks=(3, 4), compression='gzip', shuffle=True,
                         fletcher32=True)
        d = f.create_dataset('holes', shape=(4, 6), dtype=np.float32, chunks=(2, 6),
                             compression='gzip', fillvalue=-1)
        d[0:2] = VALUES[0:2]
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk((2, 6))
        dcpl.set_fletcher32()
        dcpl.set_deflate(4)
        space = h5py.h5s.create_simple((4, 6))
        dset = h5py.h5d.create(f.id, b'fletcher_first', h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)
        dset.write(h5py.h5s.ALL, h5py.h5s.ALL, VALUES)
        d = f.create_dataset('skipped', data=VALUES, chunks=(2, 6), compression='gzip')
        d.id.write_direct_chunk((2, 0), VALUES[2:4].tobytes(), 1)  # filter 0 not applied


def odd_names(path):
    """Two views whose names hold an escape sequence and a byte that is not
    UTF-8."""
    with h5py.File(path, 'w') as f:
        f.create_dataset(b'x\x1b[2J', data=VALUES)
        f.create_dataset(b'y\xff', data=VALUES)


FIXTURES = {
    'labels-fixed.h5': labels_fixed,
    'labels-int.h5': labels_int,
    'labels-shape.h5': labels_shape,
    'dimlist-int.h5': dimlist_int,
    'reflist-int.h5': reflist_int,
    'huge-scale.h5': huge_scale,
    'short-chunk.h5': short_chunk,
    'short-chunk-shuffle.h5': lambda p: short_chunk(p, shuffle=True, fletcher32=True),
    'long-chunk.h5': long_chunk,
    'bad-chunk.h5': bad_chunk,
    'flipped-latest.h5': flipped_latest,
    'flipped-header.h5': flipped_header,
    'odd-names.h5': odd_names,
    'valid-chunks.h5': valid_chunks,
}


def main():
    out = sys.argv[1]
    for name, make in FIXTURES.items():
        make(os.path.join(out, name))


if __name__ == '__main__':
    main()
