//! Charts: one module per chart, all sharing the styling here (projector-size fonts, the
//! Okabe–Ito colour-blind-safe palette with one fixed colour per series, axis and legend
//! layout) and one renderer that draws a chart to SVG and, on request, to PNG.
//!
//! Text must render on a machine without system fonts: DejaVu Sans is embedded
//! (`assets/fonts/`, licence beside it) and registered once with plotters' `ab_glyph`
//! backend; PNG is encoded with the `png` crate. Every chart is a [`Chart`]: plain data in,
//! drawn by one generic function for both backends, so SVG and PNG always agree.

pub mod bars;
pub mod coverage;
pub mod day_profile;
pub mod fit;
pub mod forecast;
pub mod plan;
pub mod skills;
pub mod sweep;
pub mod waits;

use plotters::chart::DualCoordChartContext;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor;
use std::io;
use std::sync::OnceLock;

/// The embedded font (DejaVu Sans; licence in `assets/fonts/DejaVuSans-LICENSE.txt`).
const FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// The family name charts ask for (SVG viewers use their own sans-serif).
const FAMILY: &str = "sans-serif";

/// Chart width, pixels: 16:9 at a size a projector shows sharply.
pub const WIDTH: u32 = 1600;

/// Okabe–Ito colours, and which series each one always stands for.
pub mod palette {
    use plotters::style::RGBColor;
    /// Offered calls, and telephony cost (calls on the line).
    pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    /// Service level.
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    /// Abandonment.
    pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    /// Lost customers, and their cost.
    pub const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
    /// Answered calls (waits), and proactive contact.
    pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    /// Total cost.
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    /// Occupancy.
    pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
    /// Agents.
    pub const BLACK: RGBColor = RGBColor(0x00, 0x00, 0x00);
    /// Targets and thresholds.
    pub const GREY: RGBColor = RGBColor(0x66, 0x66, 0x66);
    /// Cost of agents.
    pub const DARK_GREY: RGBColor = RGBColor(0x44, 0x44, 0x44);
    /// The legend entry of confidence bands.
    pub const BAND_GREY: RGBColor = RGBColor(0xC8, 0xC8, 0xC8);
    /// Grid lines.
    pub const LIGHT_GREY: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
    /// Lines of a family (one per proactive-coverage level in a sweep), in order.
    pub const LEVELS: [RGBColor; 7] = [
        BLUE,
        VERMILLION,
        BLUISH_GREEN,
        REDDISH_PURPLE,
        ORANGE,
        SKY_BLUE,
        BLACK,
    ];
}

/// The colour that KPI (or cost component) `name` has in every chart.
pub fn series_colour(name: &str) -> RGBColor {
    use palette::*;
    match name {
        "offered" => SKY_BLUE,
        "service_level" | "service_level_answered" => BLUE,
        "abandon_rate" | "abandoned" => VERMILLION,
        "lost_customers" | "cost_lost_customers" => REDDISH_PURPLE,
        "answered" | "cost_proactive" | "deflected" => BLUISH_GREEN,
        "occupancy" => YELLOW,
        "agents" | "staffed_agents" => BLACK,
        "cost_agents" => DARK_GREY,
        "cost_telephony" => SKY_BLUE,
        "total_cost" => ORANGE,
        _ => GREY,
    }
}

/// Font sizes, pixels at [`WIDTH`].
pub mod size {
    /// Chart title.
    pub const TITLE: u32 = 44;
    /// Axis titles.
    pub const AXIS: u32 = 34;
    /// Tick labels and legend entries.
    pub const LABEL: u32 = 28;
    /// Line width of data series.
    pub const LINE: u32 = 4;
}

/// The colour a band of `colour` takes on white (as [`band`] draws it), for its legend swatch.
pub fn tint(colour: RGBColor) -> RGBColor {
    let mix = |c: u8| (255.0 - 0.22 * (255.0 - f64::from(c))).round() as u8;
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}

/// The house text style, `px` pixels high, black.
pub fn font(px: u32) -> TextStyle<'static> {
    (FAMILY, px).into_font().color(&palette::BLACK)
}

/// Registers the embedded font with plotters, once per process.
fn ensure_font() -> io::Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(io::Error::other("the embedded chart font cannot be read"))
    }
}

/// The result of drawing on a backend `DB`.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A 2-D cartesian chart with `f64` axes: the only coordinate system the charts use.
pub type Plot<'a, DB> = ChartContext<'a, DB, Grid>;

/// The coordinates of every chart: `f64` on both axes.
pub type Grid = Cartesian2d<RangedCoordf64, RangedCoordf64>;

/// A chart with a second y axis on the right.
pub type DualPlot<'a, DB> = DualCoordChartContext<'a, DB, Grid, Grid>;

/// A chart: data, and how to draw it on any backend.
pub trait Chart {
    /// Width and height, pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the whole chart on `root` (already filled white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// A chart drawn: SVG text, and PNG bytes when asked for.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The SVG document.
    pub svg: String,
    /// The PNG file, when asked for.
    pub png: Option<Vec<u8>>,
}

fn draw_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("cannot draw the chart: {e}"))
}

/// Draws `chart` as SVG, and as PNG too when `png`.
pub fn render(chart: &impl Chart, png: bool) -> io::Result<Rendered> {
    ensure_font()?;
    let (w, h) = chart.size();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        chart.draw(&root).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    let png = if png {
        let mut rgb = vec![0u8; w as usize * h as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
            root.fill(&WHITE).map_err(draw_error)?;
            chart.draw(&root).map_err(draw_error)?;
            root.present().map_err(draw_error)?;
        }
        Some(encode_png(&rgb, w, h)?)
    } else {
        None
    };
    Ok(Rendered { svg, png })
}

/// Encodes an RGB buffer as a PNG file.
fn encode_png(rgb: &[u8], w: u32, h: u32) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // charts are flat colours: adaptive filtering makes the files about 3 times smaller
    encoder.set_compression(png::Compression::Default);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder.write_header().map_err(io::Error::other)?;
    writer.write_image_data(rgb).map_err(io::Error::other)?;
    writer.finish().map_err(io::Error::other)?;
    Ok(out)
}

/// Draws the chart title across the top of `root` and returns the area below it.
pub fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.margin(12, 0, 0, 0).titled(title, font(size::TITLE))
}

/// A panel on `area` with the house margins and label areas; `right_axis` leaves room for
/// a secondary y axis.
pub fn panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    right_axis: bool,
) -> Result<Plot<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_left(20)
        .margin_right(if right_axis { 20 } else { 50 })
        .margin_top(20)
        .margin_bottom(10)
        .x_label_area_size(90)
        .y_label_area_size(140);
    if right_axis {
        builder.right_y_label_area_size(140);
    }
    builder.build_cartesian_2d(x, y)
}

/// How the ticks of an axis are labelled.
pub type Format<'f> = &'f dyn Fn(&f64) -> String;

/// An axis: its title (with unit), tick count and tick labels.
pub struct Axis<'f> {
    /// Axis title, with its unit.
    pub title: &'f str,
    /// Most ticks to label.
    pub ticks: usize,
    /// Tick label of a value.
    pub format: Format<'f>,
}

/// Draws the grid, both axes and their titles in the house style.
pub fn axes<'a, DB: DrawingBackend + 'a>(
    plot: &mut Plot<'a, DB>,
    x: &Axis,
    y: &Axis,
) -> DrawResult<DB> {
    plot.configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette::LIGHT_GREY.stroke_width(1))
        .axis_style(palette::BLACK.stroke_width(2))
        .x_desc(x.title)
        .y_desc(y.title)
        .x_labels(x.ticks)
        .y_labels(y.ticks)
        .x_label_formatter(x.format)
        .y_label_formatter(y.format)
        .axis_desc_style(font(size::AXIS))
        .label_style(font(size::LABEL))
        .draw()
}

/// Draws the secondary (right) y axis and its title in the house style.
pub fn right_axis<'a, DB: DrawingBackend + 'a>(
    plot: &mut DualPlot<'a, DB>,
    y: &Axis,
) -> DrawResult<DB> {
    plot.configure_secondary_axes()
        .axis_style(palette::BLACK.stroke_width(2))
        .y_desc(y.title)
        .y_labels(y.ticks)
        .y_label_formatter(y.format)
        .axis_desc_style(font(size::AXIS))
        .label_style(font(size::LABEL))
        .draw()
}

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A filled box (bars, stacks).
    Swatch,
    /// A line (series with a band: the band is named in the label).
    Line,
    /// A dashed line (targets, thresholds).
    Dashed,
    /// A ring (a marked point, such as the optimum).
    Ring,
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct Key {
    /// The text.
    pub label: String,
    /// Its colour.
    pub colour: RGBColor,
    /// Its mark.
    pub mark: Mark,
}

impl Key {
    /// A legend entry.
    pub fn new(label: impl Into<String>, colour: RGBColor, mark: Mark) -> Self {
        Key {
            label: label.into(),
            colour,
            mark,
        }
    }
}

/// Height of one row of legend entries, pixels.
const KEY_ROW: u32 = 48;
/// Where legend rows start: the left edge of the plotting area (margin + label area).
const KEY_LEFT: i32 = 160;
/// Width of a legend mark, pixels.
const MARK: i32 = 40;

/// Draws the legend `keys` in rows across the top of `area`, left-aligned with the plot,
/// so that it never hides data; returns the area below it.
pub fn keyed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[Key],
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let style = font(size::LABEL);
    let width = area.dim_in_pixel().0 as i32 - 40;
    // lay out first, to know how many rows to reserve
    let mut placed = Vec::with_capacity(keys.len());
    let (mut x, mut row) = (KEY_LEFT, 0);
    for key in keys {
        let (w, _) = area.estimate_text_size(&key.label, &style)?;
        let needed = MARK + 12 + w as i32;
        if x > KEY_LEFT && x + needed > width {
            x = KEY_LEFT;
            row += 1;
        }
        placed.push((x, row));
        x += needed + 44;
    }
    let rows = if keys.is_empty() { 0 } else { row + 1 };
    let (strip, rest) = area.split_vertically(rows * KEY_ROW + 8);
    for (key, &(x, row)) in keys.iter().zip(&placed) {
        let y = (row * KEY_ROW + KEY_ROW / 2 + 8) as i32;
        let c = key.colour;
        let line = c.stroke_width(size::LINE + 1);
        match key.mark {
            Mark::Swatch => strip.draw(&Rectangle::new(
                [(x, y - 13), (x + MARK, y + 13)],
                c.filled(),
            ))?,
            Mark::Line => strip.draw(&PathElement::new(vec![(x, y), (x + MARK, y)], line))?,
            Mark::Dashed => {
                for dash in [0, 16, 32] {
                    strip.draw(&PathElement::new(
                        vec![(x + dash, y), (x + dash + 8, y)],
                        line,
                    ))?;
                }
            }
            Mark::Ring => strip.draw(&Circle::new((x + MARK / 2, y), 12, c.stroke_width(4)))?,
        }
        strip.draw(&Text::new(
            key.label.clone(),
            (x + MARK + 12, y),
            style.pos(text_anchor::Pos::new(
                text_anchor::HPos::Left,
                text_anchor::VPos::Center,
            )),
        ))?;
    }
    Ok(rest)
}

/// Tick label of a time axis with one unit per interval: `labels[k]` at the whole position
/// `k` (an interval's start, or after the last one its end), blank between and past them.
pub fn interval_label(labels: &[String], x: f64) -> String {
    let k = x.round();
    if (x - k).abs() > 1e-6 || k < 0.0 {
        return String::new();
    }
    labels.get(k as usize).cloned().unwrap_or_default()
}

/// One bar per interval from 0 up to its value (calls offered, heads required); intervals
/// without a finite value have none.
pub fn interval_bars(
    values: &[f64],
    colour: RGBColor,
) -> impl Iterator<Item = Rectangle<(f64, f64)>> + '_ {
    values
        .iter()
        .enumerate()
        .filter(|(_, y)| y.is_finite())
        .map(move |(k, &y)| {
            let k = k as f64;
            Rectangle::new([(k + 0.08, 0.0), (k + 0.92, y)], colour.filled())
        })
}

/// A step line holding each interval's value across the interval (agents staffed, heads
/// rostered).
pub fn step_line(values: &[f64], colour: RGBColor) -> PathElement<(f64, f64)> {
    PathElement::new(steps(values), colour.stroke_width(size::LINE))
}

/// [`step_line`], dashed (agents on the phones of a roster, heads to schedule of a plan).
pub fn dashed_step_line(
    values: &[f64],
    colour: RGBColor,
) -> DashedPathElement<std::vec::IntoIter<(f64, f64)>, u32> {
    DashedPathElement::new(steps(values), 12, 8, colour.stroke_width(size::LINE))
}

/// The corners of a step line: each interval's value from its start to its end.
fn steps(values: &[f64]) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .flat_map(|(k, &v)| [(k as f64, v), (k as f64 + 1.0, v)])
        .collect()
}

/// A dashed line through `points` (targets, thresholds, the optimum).
pub fn dashed(
    points: Vec<(f64, f64)>,
    colour: RGBColor,
) -> DashedPathElement<std::vec::IntoIter<(f64, f64)>, u32> {
    DashedPathElement::new(points, 14, 10, colour.stroke_width(3))
}

/// A translucent band between `low` and `high` over `xs` (a 95% confidence band).
pub fn band(xs: &[f64], low: &[f64], high: &[f64], colour: RGBColor) -> Polygon<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = xs.iter().copied().zip(high.iter().copied()).collect();
    points.extend(xs.iter().copied().zip(low.iter().copied()).rev());
    Polygon::new(points, colour.mix(0.22).filled())
}

/// A vertical confidence whisker at `x` from `low` to `high`, `half` wide at the caps.
pub fn whisker(x: f64, low: f64, high: f64, half: f64) -> [PathElement<(f64, f64)>; 3] {
    let style = palette::BLACK.stroke_width(2);
    [
        PathElement::new(vec![(x, low), (x, high)], style),
        PathElement::new(vec![(x - half, low), (x + half, low)], style),
        PathElement::new(vec![(x - half, high), (x + half, high)], style),
    ]
}

/// A "nice" upper bound for an axis showing values up to `x` (1, 2, 2.5, 5 × 10^k).
pub fn nice_ceiling(x: f64) -> f64 {
    if !x.is_finite() || x <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(x.log10().floor());
    [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&v| v >= x * (1.0 + 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// Tick label of a share as a percentage ("80%").
pub fn percent(x: &f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// Tick label of a count or amount: thousands separated, no needless decimals.
pub fn number(x: &f64) -> String {
    if x.abs() >= 1000.0 || x.fract() == 0.0 {
        thousands(x.round())
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// `x` (a whole number) with a thin space between thousands: "12 345".
pub fn thousands(x: f64) -> String {
    crate::units::thousands(x, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.3), 8.0);
        assert_eq!(nice_ceiling(1500.0), 2000.0);
        assert_eq!(nice_ceiling(1.0), 1.2);
        assert_eq!(nice_ceiling(0.93), 1.0);
    }

    #[test]
    fn numbers_are_readable() {
        assert_eq!(number(&12345.0), "12\u{2009}345");
        assert_eq!(number(&12.0), "12");
        assert_eq!(number(&0.25), "0.25");
        assert_eq!(percent(&0.8), "80%");
        assert_eq!(thousands(-1234.0), "-1\u{2009}234");
    }
}
