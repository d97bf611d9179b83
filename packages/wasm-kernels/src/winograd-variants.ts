/**
 * Winograd minimal filtering for 3x3 convolutions (Lavin & Gray, "Fast Algorithms for Convolutional
 * Neural Networks", 2015): an m x m block of outputs is Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A, with g the 3x3
 * filter and d the (m + 2) x (m + 2) input patch. Summed over input channels, the element-wise
 * products become (m + 2)² matrix products [tiles, Cin] x [Cin, Cout]: (m + 2)² / m² multiplies per
 * output and channel pair instead of 9.
 *
 * F(2x2, 3x3): 4 multiplies, transforms of additions and halvings only (float32 rounding of the direct
 * convolution). F(4x4, 3x3): 2.25 multiplies, transforms with the points 0, ±1, ±2 (larger
 * coefficients, so a few times more rounding; still ~1e-6 relative at ResNet's channel counts).
 */
export interface WinogradVariant {
  name: string;
  /** Outputs per tile side. */
  m: number;
  /** Input patch side, m + 2. */
  alpha: number;
  /** Bᵀ, alpha x alpha. */
  BT: number[][];
  /** G, alpha x 3. */
  G: number[][];
  /** Aᵀ, m x alpha. */
  AT: number[][];
}

export const F2X2_3X3: WinogradVariant = {
  name: 'F(2x2,3x3)',
  m: 2,
  alpha: 4,
  BT: [
    [1, 0, -1, 0],
    [0, 1, 1, 0],
    [0, -1, 1, 0],
    [0, 1, 0, -1],
  ],
  G: [
    [1, 0, 0],
    [0.5, 0.5, 0.5],
    [0.5, -0.5, 0.5],
    [0, 0, 1],
  ],
  AT: [
    [1, 1, 1, 0],
    [0, 1, -1, -1],
  ],
};

export const F4X4_3X3: WinogradVariant = {
  name: 'F(4x4,3x3)',
  m: 4,
  alpha: 6,
  BT: [
    [4, 0, -5, 0, 1, 0],
    [0, -4, -4, 1, 1, 0],
    [0, 4, -4, -1, 1, 0],
    [0, -2, -1, 2, 1, 0],
    [0, 2, -1, -2, 1, 0],
    [0, 4, 0, -5, 0, 1],
  ],
  G: [
    [1 / 4, 0, 0],
    [-1 / 6, -1 / 6, -1 / 6],
    [-1 / 6, 1 / 6, -1 / 6],
    [1 / 24, 1 / 12, 1 / 6],
    [1 / 24, -1 / 12, 1 / 6],
    [0, 0, 1],
  ],
  AT: [
    [1, 1, 1, 1, 1, 0],
    [0, 1, -1, 2, -2, 0],
    [0, 1, 1, 4, 4, 0],
    [0, 1, -1, 8, -8, 1],
  ],
};

/** The transpose of a matrix given as rows. */
export function transposed(rows: number[][]): number[][] {
  return rows[0]!.map((_, j) => rows.map((row) => row[j]!));
}
