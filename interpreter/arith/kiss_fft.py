"""KISS FFT's real transforms as TFLM builds them: int16, int32 and float32.

TFLM's Signal RFFT and IRFFT call KISS FFT v130 (``kiss_fftr`` /
``kiss_fftri``), compiled three times: with 16-bit and 32-bit fixed-point
scalars and with float. The numbers depend on every detail of that code, so
this module follows it operation by operation (vectorized over frames and
over the independent butterflies of a stage), in the scalar type's C
arithmetic:

* fixed point: twiddles are ``floor(0.5 + MAX * cos(phase))`` with MAX =
  2^15 - 1 (2^31 - 1); a product is formed in 32 (64) bits and rounded back
  by ``(p + 2^(F-1)) >> F``, F = 15 (31); each radix-p stage first divides
  its inputs by p (a multiply by ``MAX / p`` and the same rounding), which is
  how the fixed-point transform keeps its scale: the forward transform comes
  out divided by the FFT length. Sums are stored back into the scalar type,
  wrapping; for int16 the C code adds in ``int`` first (no wrap inside an
  expression), for int32 every addition wraps.
* float: every operation rounds to float32 (no fused multiply-add), twiddles
  are ``(float)cos(phase)``.

The complex transform of length N = fft_length / 2 is decomposed into radix
4, 2, 3 and 5 stages (KISS's factor order). TFLM's build replaces KISS's
``malloc`` with a null pointer, so a length with another prime factor (which
needs KISS's generic butterfly and its temporary buffer) cannot run in TFLM:
``Kiss.supported`` says so, and the Signal ops refuse such lengths.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RADICES = (4, 2, 3, 5)


def factors(n: int) -> list[tuple[int, int]] | None:
    """KISS's ``kf_factor``: [(radix p, remaining length m), ...], or None if a radix
    other than 2, 3, 4, 5 is needed (or n < 2)."""
    if n < 2:
        return None
    out = []
    p = 4
    floor_sqrt = math.floor(math.sqrt(n))
    while True:
        while n % p:
            p = {4: 2, 2: 3}.get(p, p + 2)
            if p > floor_sqrt:
                p = n
        n //= p
        out.append((p, n))
        if n <= 1:
            break
    return out if all(p in RADICES for p, _ in out) else None


@dataclass(frozen=True)
class _Scalar:
    """C arithmetic of one KISS build. Values are int64 (fixed) or float32 arrays."""

    kind: str            # "int16", "int32" or "float32"

    @property
    def fixed(self) -> bool:
        return self.kind != "float32"

    @property
    def frac_bits(self) -> int:
        return 15 if self.kind == "int16" else 31

    @property
    def samp_max(self) -> int:
        return (1 << self.frac_bits) - 1

    def store(self, x):
        """Assignment to a ``kiss_fft_scalar`` (wraps for fixed point)."""
        if self.kind == "int16":
            return x.astype(np.int16).astype(np.int64)
        if self.kind == "int32":
            return x.astype(np.int32).astype(np.int64)
        return x

    def add(self, a, b):
        """``a + b`` inside a C expression: exact in ``int`` for int16, wrapping for int32."""
        return self.store(a + b) if self.kind == "int32" else a + b

    def sub(self, a, b):
        return self.store(a - b) if self.kind == "int32" else a - b

    def neg(self, a):
        return self.store(-a) if self.kind == "int32" else -a

    def half(self, x):
        """``HALF_OF``: an arithmetic shift for fixed point, times 0.5f for float."""
        return x >> 1 if self.fixed else x * np.float32(0.5)

    def _round(self, p):
        """``sround``: round a product back to the scalar's fraction bits, then store."""
        if self.kind == "int16":        # the product type is int32
            p = p.astype(np.int32).astype(np.int64)
            return self.store(((p + (1 << 14)).astype(np.int32).astype(np.int64)) >> 15)
        return self.store((p + (1 << 30)) >> 31)

    def smul(self, a, b):
        """``S_MUL``."""
        return self._round(a * b) if self.fixed else a * b

    def cmul(self, ar, ai, br, bi):
        """``C_MUL``: (a * b) with each part rounded once (fixed) or in float32."""
        if self.fixed:
            return self._round(ar * br - ai * bi), self._round(ar * bi + ai * br)
        return ar * br - ai * bi, ar * bi + ai * br

    def fixdiv(self, r, i, div: int):
        """``C_FIXDIV``: divide by the radix in fixed point; nothing for float."""
        if not self.fixed:
            return r, i
        k = self.samp_max // div
        return self._round(r * k), self._round(i * k)

    def twiddle(self, phase: float):
        c, s = math.cos(phase), math.sin(phase)
        if self.fixed:
            return (math.floor(0.5 + self.samp_max * c), math.floor(0.5 + self.samp_max * s))
        return (float(np.float32(c)), float(np.float32(s)))

    def array(self, values):
        return np.asarray(values, dtype=np.int64 if self.fixed else np.float32)


class Kiss:
    """``kiss_fftr_alloc(fft_length, inverse)`` for one scalar type, with its transform."""

    def __init__(self, fft_length: int, inverse: bool, kind: str):
        self.fft_length = fft_length
        self.inverse = inverse
        self.s = _Scalar(kind)
        n = fft_length // 2
        self.ncfft = n
        self.stages = factors(n) if fft_length % 2 == 0 else None
        if self.stages is None:
            return
        # kiss_fft_alloc's and kiss_fftr_alloc's phases, in their double arithmetic
        flip = -1.0 if inverse else 1.0
        tw = [self.s.twiddle(-2 * math.pi * i / n * flip) for i in range(n)]
        self.tw_r, self.tw_i = self.s.array([t[0] for t in tw]), self.s.array([t[1] for t in tw])
        super_tw = [self.s.twiddle(-3.14159265358979323846264338327 * ((i + 1) / n + .5) * flip)
                    for i in range(n // 2)]
        self.stw_r = self.s.array([t[0] for t in super_tw])
        self.stw_i = self.s.array([t[1] for t in super_tw])
        self.order = self._input_order()

    @property
    def supported(self) -> bool:
        return self.stages is not None

    # -- the complex transform -----------------------------------------------------
    def _input_order(self) -> np.ndarray:
        """Where ``kf_work`` reads each output slot of its first (deepest) stage from."""
        out: list[int] = []

        def work(start: int, stride: int, level: int) -> None:
            p, m = self.stages[level]
            if m == 1:
                out.extend(start + k * stride for k in range(p))
            else:
                for j in range(p):
                    work(start + j * stride, stride * p, level + 1)
        work(0, 1, 0)
        return np.array(out, dtype=np.int64)

    def complex_fft(self, re, im):
        """``kiss_fft`` on (frames, N) parts; returns new (frames, N) arrays."""
        re, im = re[:, self.order], im[:, self.order]
        n = self.ncfft
        frames = re.shape[0]
        for level in range(len(self.stages) - 1, -1, -1):
            p, m = self.stages[level]
            stride = n // (p * m)                  # fstride = the number of blocks
            shape = (frames, stride, p, m)
            parts = [(re.reshape(shape)[:, :, q, :], im.reshape(shape)[:, :, q, :])
                     for q in range(p)]
            out = getattr(self, f"_bfly{p}")(parts, stride, m)
            re = np.stack([o[0] for o in out], axis=2).reshape(frames, n)
            im = np.stack([o[1] for o in out], axis=2).reshape(frames, n)
        return re, im

    def _tw(self, index):
        return self.tw_r[index], self.tw_i[index]

    def _bfly2(self, F, stride, m):
        s = self.s
        k = np.arange(m)
        (r0, i0), (r1, i1) = (s.fixdiv(r, i, 2) for r, i in F)
        tr, ti = s.cmul(r1, i1, *self._tw(k * stride))
        return [(s.store(s.add(r0, tr)), s.store(s.add(i0, ti))),
                (s.store(s.sub(r0, tr)), s.store(s.sub(i0, ti)))]

    def _bfly4(self, F, stride, m):
        s = self.s
        k = np.arange(m)
        (r0, i0), (r1, i1), (r2, i2), (r3, i3) = (s.fixdiv(r, i, 4) for r, i in F)
        s0 = s.cmul(r1, i1, *self._tw(k * stride))
        s1 = s.cmul(r2, i2, *self._tw(2 * k * stride))
        s2 = s.cmul(r3, i3, *self._tw(3 * k * stride))
        s5 = (s.store(s.sub(r0, s1[0])), s.store(s.sub(i0, s1[1])))
        r0, i0 = s.store(s.add(r0, s1[0])), s.store(s.add(i0, s1[1]))
        s3 = (s.store(s.add(s0[0], s2[0])), s.store(s.add(s0[1], s2[1])))
        s4 = (s.store(s.sub(s0[0], s2[0])), s.store(s.sub(s0[1], s2[1])))
        out2 = (s.store(s.sub(r0, s3[0])), s.store(s.sub(i0, s3[1])))
        out0 = (s.store(s.add(r0, s3[0])), s.store(s.add(i0, s3[1])))
        if self.inverse:
            out1 = (s.store(s.sub(s5[0], s4[1])), s.store(s.add(s5[1], s4[0])))
            out3 = (s.store(s.add(s5[0], s4[1])), s.store(s.sub(s5[1], s4[0])))
        else:
            out1 = (s.store(s.add(s5[0], s4[1])), s.store(s.sub(s5[1], s4[0])))
            out3 = (s.store(s.sub(s5[0], s4[1])), s.store(s.add(s5[1], s4[0])))
        return [out0, out1, out2, out3]

    def _bfly3(self, F, stride, m):
        s = self.s
        k = np.arange(m)
        epi_i = self.tw_i[stride * m]
        (r0, i0), (r1, i1), (r2, i2) = (s.fixdiv(r, i, 3) for r, i in F)
        a = s.cmul(r1, i1, *self._tw(k * stride))
        b = s.cmul(r2, i2, *self._tw(2 * k * stride))
        s3 = (s.store(s.add(a[0], b[0])), s.store(s.add(a[1], b[1])))
        s0 = (s.store(s.sub(a[0], b[0])), s.store(s.sub(a[1], b[1])))
        m1 = (s.store(s.sub(r0, s.half(s3[0]))), s.store(s.sub(i0, s.half(s3[1]))))
        s0 = (s.smul(s0[0], epi_i), s.smul(s0[1], epi_i))       # C_MULBYSCALAR
        out0 = (s.store(s.add(r0, s3[0])), s.store(s.add(i0, s3[1])))
        out2 = (s.store(s.add(m1[0], s0[1])), s.store(s.sub(m1[1], s0[0])))
        out1 = (s.store(s.sub(m1[0], s0[1])), s.store(s.add(m1[1], s0[0])))
        return [out0, out1, out2]

    def _bfly5(self, F, stride, m):
        s = self.s
        u = np.arange(m)
        ya_r, ya_i = self.tw_r[stride * m], self.tw_i[stride * m]
        yb_r, yb_i = self.tw_r[2 * stride * m], self.tw_i[2 * stride * m]
        (r0, i0), *rest = (s.fixdiv(r, i, 5) for r, i in F)
        s1, s2, s3, s4 = (s.cmul(r, i, *self._tw(q * u * stride))
                          for q, (r, i) in enumerate(rest, start=1))

        def both(fn):
            return s.store(fn(0)), s.store(fn(1))
        s7 = both(lambda c: s.add(s1[c], s4[c]))
        s10 = both(lambda c: s.sub(s1[c], s4[c]))
        s8 = both(lambda c: s.add(s2[c], s3[c]))
        s9 = both(lambda c: s.sub(s2[c], s3[c]))
        z = (r0, i0)
        out0 = both(lambda c: s.add(z[c], s.add(s7[c], s8[c])))
        s5 = both(lambda c: s.add(s.add(z[c], s.smul(s7[c], ya_r)), s.smul(s8[c], yb_r)))
        s6 = (s.store(s.add(s.smul(s10[1], ya_i), s.smul(s9[1], yb_i))),
              s.store(s.sub(s.neg(s.smul(s10[0], ya_i)), s.smul(s9[0], yb_i))))
        s11 = both(lambda c: s.add(s.add(z[c], s.smul(s7[c], yb_r)), s.smul(s8[c], ya_r)))
        s12 = (s.store(s.add(s.neg(s.smul(s10[1], yb_i)), s.smul(s9[1], ya_i))),
               s.store(s.sub(s.smul(s10[0], yb_i), s.smul(s9[0], ya_i))))
        out1 = both(lambda c: s.sub(s5[c], s6[c]))
        out4 = both(lambda c: s.add(s5[c], s6[c]))
        out2 = both(lambda c: s.add(s11[c], s12[c]))
        out3 = both(lambda c: s.sub(s11[c], s12[c]))
        return [out0, out1, out2, out3, out4]

    # -- the real transforms ---------------------------------------------------------
    def _pair_bins(self, re, im, k):
        """The step kiss_fftr and kiss_fftri share for the bins k = 1 .. N/2 of
        X = re + i im: with a = X[k] / 2 and b = conj(X[N - k]) / 2 (C_FIXDIV), the sum
        a + b and the difference (a - b) times the super twiddle of k."""
        s, n = self.s, self.ncfft
        a = s.fixdiv(re[:, k], im[:, k], 2)
        b = s.fixdiv(re[:, n - k], s.store(s.neg(im[:, n - k])), 2)
        total = (s.store(s.add(a[0], b[0])), s.store(s.add(a[1], b[1])))
        diff = (s.store(s.sub(a[0], b[0])), s.store(s.sub(a[1], b[1])))
        return total, s.cmul(diff[0], diff[1], self.stw_r[k - 1], self.stw_i[k - 1])

    def rfft(self, x):
        """``kiss_fftr``: (frames, fft_length) real -> (re, im), each (frames, N + 1)."""
        s, n = self.s, self.ncfft
        x = s.array(x)
        fr, fi = self.complex_fft(x[:, 0::2], x[:, 1::2])
        dc_r, dc_i = s.fixdiv(fr[:, 0], fi[:, 0], 2)
        out_r = np.zeros((x.shape[0], n + 1), fr.dtype)
        out_i = np.zeros_like(out_r)
        out_r[:, 0] = s.store(s.add(dc_r, dc_i))
        out_r[:, n] = s.store(s.sub(dc_r, dc_i))
        k = np.arange(1, n // 2 + 1)
        if k.size:
            f1, tw = self._pair_bins(fr, fi, k)
            out_r[:, k] = s.store(s.half(s.add(f1[0], tw[0])))
            out_i[:, k] = s.store(s.half(s.add(f1[1], tw[1])))
            # For k = N/2 both writes hit one bin; the second wins, as in C.
            out_r[:, n - k] = s.store(s.half(s.sub(f1[0], tw[0])))
            out_i[:, n - k] = s.store(s.half(s.sub(tw[1], f1[1])))
        return out_r, out_i

    def irfft(self, re, im):
        """``kiss_fftri``: (frames, N + 1) parts -> (frames, fft_length) real."""
        s, n = self.s, self.ncfft
        re, im = s.array(re), s.array(im)
        tr = np.zeros((re.shape[0], n), re.dtype)
        ti = np.zeros_like(tr)
        tr[:, 0], ti[:, 0] = s.fixdiv(s.store(s.add(re[:, 0], re[:, n])),
                                      s.store(s.sub(re[:, 0], re[:, n])), 2)
        k = np.arange(1, n // 2 + 1)
        if k.size:
            fek, fok = self._pair_bins(re, im, k)
            tr[:, k] = s.store(s.add(fek[0], fok[0]))
            ti[:, k] = s.store(s.add(fek[1], fok[1]))
            tr[:, n - k] = s.store(s.sub(fek[0], fok[0]))
            # ``tmpbuf[ncfft - k].i *= -1``: in float this also turns +0.0 into -0.0
            neg_one = -1 if s.fixed else np.float32(-1)
            ti[:, n - k] = s.store(s.store(s.sub(fek[1], fok[1])) * neg_one)
        yr, yi = self.complex_fft(tr, ti)
        out = np.empty((re.shape[0], 2 * n), yr.dtype)
        out[:, 0::2], out[:, 1::2] = yr, yi
        return out
