using System.Globalization;
using System.Net;
using ScottPlot;

namespace PoolGuard.LoadTest.Report;

/// <summary>
/// One chart of the report: the SVG ScottPlot draws, ready to inline (no XML declaration, a viewBox so it scales to
/// the page, role="img" with its title for screen readers), and the same numbers as a table for those who cannot see it.
/// </summary>
public sealed record Chart(string Id, string Title, string Svg, ChartTable Table);

/// <summary>A chart's text equivalent: a header row and one row per point.</summary>
public sealed record ChartTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<double>> Rows);

/// <summary>How every chart of the report is drawn: one size, one font, one palette, the same grid.</summary>
internal static class ChartStyle
{
    public const int Width = 960;
    public const int Height = 320;

    public static readonly Color Throughput = Color.FromHex("#1f77b4");
    public static readonly Color Clients = Color.FromHex("#7f7f7f");
    public static readonly Color P50 = Color.FromHex("#2ca02c");
    public static readonly Color P95 = Color.FromHex("#ff7f0e");
    public static readonly Color P99 = Color.FromHex("#d62728");
    public static readonly Color Errors = Color.FromHex("#d62728");
    public static readonly Color Dropped = Color.FromHex("#9467bd");

    public static Plot New(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Title(title, size: 15);
        plot.XLabel(xLabel, size: 13);
        plot.YLabel(yLabel, size: 13);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    /// <remarks>Solid lines only: Skia's SVG canvas cannot draw a dash pattern (it prints a warning and draws nothing).</remarks>
    public static void Line(Plot plot, double[] xs, double[] ys, string label, Color color, bool right = false)
    {
        var line = plot.Add.Scatter(xs, ys, color);
        line.LegendText = label;
        line.LineWidth = 2;
        line.MarkerSize = xs.Length > 40 ? 0 : 4;
        if (right)
        {
            line.Axes.YAxis = plot.Axes.Right;
        }
    }

    /// <summary>The plot as inline SVG; the y axes start at zero, since a rate or a latency read off a cut axis misleads.</summary>
    public static Chart Render(Plot plot, string id, string title, ChartTable table)
    {
        plot.Axes.AutoScale();
        foreach (var axis in new[] { plot.Axes.Left, plot.Axes.Right })
        {
            if (axis.Range.Max > 0)
            {
                axis.Range.Set(0, axis.Range.Max * 1.08);
            }
        }
        var svg = plot.GetSvgXml(Width, Height);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        svg = svg[start..];
        svg = "<svg role=\"img\" aria-label=\"" + WebUtility.HtmlEncode(title) + "\" viewBox=\"0 0 "
            + Width.ToString(CultureInfo.InvariantCulture) + " " + Height.ToString(CultureInfo.InvariantCulture) + "\" preserveAspectRatio=\"xMidYMid meet\""
            + svg["<svg".Length..];
        return new Chart(id, title, svg, table);
    }
}
