import type { ObjectMeasurement } from './measure'

/** Header of `measurements.csv` (sizes in pixels). */
export const MEASUREMENT_HEADER =
  'image,id,area,centroid_x,centroid_y,bbox_x0,bbox_y0,bbox_x1,bbox_y1,mean_intensity,' +
  'perimeter,equivalent_diameter,major_axis,minor_axis,orientation,eccentricity,solidity'

/** Extra columns of `measurements.csv` when a pixel size is known (µm; empty where unknown). */
export const PHYSICAL_HEADER =
  'pixel_size_um,area_um2,perimeter_um,equivalent_diameter_um,major_axis_um,minor_axis_um'

/** Header of `counts.csv`. */
export const COUNT_HEADER = 'image,width,height,objects,foreground_area'

/** Quote a CSV field when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

const round = (v: number): string => String(Math.round(v * 1000) / 1000)

/** Physical columns of one object: µm per pixel, area in µm², lengths in µm. */
function physical(r: ObjectMeasurement, um: number | undefined): string[] {
  if (!um) return ['', '', '', '', '', '']
  return [
    um,
    r.area * um * um,
    r.perimeter * um,
    r.equivalentDiameter * um,
    r.majorAxis * um,
    r.minorAxis * um
  ].map((v) => String(Number(v.toPrecision(6))))
}

/**
 * CSV lines (no header) for one image's objects; with `physicalColumns`, the
 * {@link PHYSICAL_HEADER} columns follow, from `pixelSize` (µm per pixel) or empty.
 */
export function measurementLines(
  image: string,
  rows: ObjectMeasurement[],
  physicalColumns = false,
  pixelSize?: number
): string[] {
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
      round(r.meanIntensity),
      round(r.perimeter),
      round(r.equivalentDiameter),
      round(r.majorAxis),
      round(r.minorAxis),
      round(r.orientation),
      round(r.eccentricity),
      round(r.solidity),
      ...(physicalColumns ? physical(r, pixelSize) : [])
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
