/** Polygon / lasso input: clicks add vertices, a drag draws a freehand lasso. */

/** Screen distance (px) within which a click on the first vertex closes the polygon. */
export const CLOSE_DISTANCE_PX = 8
/** Screen distance (px) a press must move to become a lasso drag. */
export const LASSO_THRESHOLD_PX = 4

/** Collects polygon vertices in image coordinates. */
export class PolygonInput {
  points: number[] = []
  lasso = false
  private downAt: { x: number; y: number } | null = null

  /** Number of vertices. */
  get count(): number {
    return this.points.length / 2
  }

  /** Pointer pressed at image point `p` (screen point `s`). Returns true if this closes it. */
  down(p: { x: number; y: number }, s: { x: number; y: number }, scale: number): boolean {
    this.downAt = s
    if (this.count >= 3) {
      const dx = (p.x - this.points[0]) * scale
      const dy = (p.y - this.points[1]) * scale
      if (Math.hypot(dx, dy) <= CLOSE_DISTANCE_PX) return true
    }
    if (this.count === 0) this.lasso = false
    this.points.push(p.x, p.y)
    return false
  }

  /** Pointer moved with the button held: turns into / extends a lasso. */
  drag(p: { x: number; y: number }, s: { x: number; y: number }): void {
    if (!this.downAt) return
    if (!this.lasso && Math.hypot(s.x - this.downAt.x, s.y - this.downAt.y) < LASSO_THRESHOLD_PX) {
      return
    }
    if (!this.lasso && this.count > 1) return
    this.lasso = true
    this.points.push(p.x, p.y)
  }

  /** Pointer released: true when a lasso just finished (fill now). */
  up(): boolean {
    this.downAt = null
    return this.lasso && this.count >= 3
  }

  /** Clears everything. */
  reset(): void {
    this.points = []
    this.lasso = false
    this.downAt = null
  }
}
