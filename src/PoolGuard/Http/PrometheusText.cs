using System.Globalization;
using System.Text;
using PoolGuard.Monitoring.Alerts;

namespace PoolGuard.Http;

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4: a HELP and a TYPE line per family, then its
/// samples. Label values are escaped as the format requires (backslash, double quote, newline);
/// numbers use the invariant culture, and +Inf / NaN their Prometheus spellings.
/// </summary>
internal sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text;

    /// <summary>When collecting: the series themselves, for the alert engine, instead of text.</summary>
    private readonly List<MetricSeries>? _series;

    /// <summary>A writer of the text exposition.</summary>
    public PrometheusText()
    {
        _text = new StringBuilder(16 * 1024);
    }

    private PrometheusText(List<MetricSeries> series)
    {
        _text = new StringBuilder(0);
        _series = series;
    }

    /// <summary>
    /// A writer that keeps the samples as series instead of text: the alert rules then read exactly the
    /// names, labels and values a scrape of /metrics would, written by the same code.
    /// </summary>
    public static PrometheusText Collecting(List<MetricSeries> series) => new(series);

    /// <summary>Starts a family; every sample written after it until the next family belongs to it.</summary>
    public void Family(string name, string type, string help)
    {
        if (_series is not null)
        {
            return;
        }
        _text.Append("# HELP ").Append(name).Append(' ');
        foreach (var c in help)
        {
            // HELP escapes only backslash and newline.
            _text.Append(c switch { '\\' => "\\\\", '\n' => "\\n", _ => c.ToString() });
        }
        _text.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        if (_series is not null)
        {
            var set = new Dictionary<string, string>(labels.Length, StringComparer.Ordinal);
            foreach (var (label, text) in labels)
            {
                set[label] = text;
            }
            _series.Add(new MetricSeries(name, set, value));
            return;
        }
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    _text.Append(',');
                }
                _text.Append(labels[i].Name).Append("=\"");
                AppendEscaped(labels[i].Value);
                _text.Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(Number(value)).Append('\n');
    }

    public override string ToString() => _text.ToString();

    public static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private void AppendEscaped(string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': _text.Append("\\\\"); break;
                case '"': _text.Append("\\\""); break;
                case '\n': _text.Append("\\n"); break;
                default: _text.Append(c); break;
            }
        }
    }
}
