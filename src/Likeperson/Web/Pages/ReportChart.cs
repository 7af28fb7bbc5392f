using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Likeperson.Reports;

namespace Likeperson.Web.Pages;

/// <summary>
/// The geometry of the /reports chart, drawn on the server as SVG: one stacked bar per month, active mentor-days below,
/// paused mentor-days above, on a scale from 0 to the fullest month. Coordinates are in the SVG's viewBox.
/// </summary>
public sealed class ReportChart
{
    public const double Width = 640, Height = 260, Left = 48, Bottom = 36, Top = 12;

    public sealed record Bar(MonthDays Month, double X, double W, double ActiveY, double ActiveH, double PausedY, double PausedH)
    {
        public double Center => X + W / 2;
    }

    public IReadOnlyList<Bar> Bars { get; }
    public int Max { get; }

    public ReportChart(IReadOnlyList<MonthDays> months)
    {
        Max = Math.Max(1, months.Select(m => m.DaysActive + m.DaysPaused).DefaultIfEmpty(0).Max());
        var slot = (Width - Left) / Math.Max(1, months.Count);
        Bars = months.Select((m, i) =>
        {
            var active = Scale(m.DaysActive);
            var paused = Scale(m.DaysPaused);
            return new Bar(m, Left + i * slot + slot * 0.15, slot * 0.7, Base - active, active, Base - active - paused, paused);
        }).ToList();
    }

    public static double Base => Height - Bottom;

    private double Scale(int days) => (Base - Top) * days / Max;

    /// <summary>The y of a value on the scale (for the axis ticks).</summary>
    public double Y(int days) => Base - Scale(days);

    /// <summary>An SVG text element (Razor reserves the &lt;text&gt; tag for itself), its content encoded.</summary>
    public static IHtmlContent Label(double x, double y, string anchor, string content, bool middle = false) => new HtmlString(
        $"<text x=\"{N(x)}\" y=\"{N(y)}\" class=\"axis\" text-anchor=\"{anchor}\"{(middle ? " dominant-baseline=\"middle\"" : "")}>" +
        $"{HtmlEncoder.Default.Encode(content)}</text>");

    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
