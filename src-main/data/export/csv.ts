import type { ObjectMeasurement } from './measure'

/** Header of `measurements.csv`. */
export const MEASUREMENT_HEADER =
  'image,id,area,centroid_x,centroid_y,bbox_x0,bbox_y0,bbox_x1,bbox_y1,mean_intensity'

/** Header of `counts.csv`. */
export const COUNT_HEADER = 'image,width,height,objects,foreground_area'

/** Quote a CSV field when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

const round = (v: number): string => String(Math.round(v * 1000) / 1000)

/** CSV lines (no header) for one image's objects. */
export function measurementLines(image: string, rows: ObjectMeasurement[]): string[] {
  const name = csvField(image)
  return rows.map((r) =>
    [
      name,
      r.id,
      r.area,
      round(r.centroidX),
      round(r.centroidY),
      r.x0,
      r.y0,
      r.x1,
      r.y1,
      round(r.meanIntensity)
    ].join(',')
  )
}

/** One `counts.csv` line. */
export function countLine(
  image: string,
  width: number,
  height: number,
  objects: number,
  area: number
): string {
  return [csvField(image), width, height, objects, area].join(',')
}
