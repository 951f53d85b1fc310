using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>One sample: metric name, labels, value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4, for tests: every line must be a HELP, a TYPE,
/// or a sample of a family whose TYPE came first; names and label names must be valid; label values
/// may use only the format's escapes; values must parse. Anything else fails with the line number.
/// </summary>
internal static partial class PrometheusTextParser
{
    public sealed record Scrape(IReadOnlyDictionary<string, string> Types, IReadOnlyDictionary<string, string> Help, IReadOnlyList<PrometheusSample> Samples)
    {
        public IEnumerable<PrometheusSample> Named(string name) => Samples.Where(s => s.Name == name);
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    public static Scrape Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        var lines = text.Split('\n');
        Assert.True(text.EndsWith('\n'), "the exposition must end with a line feed");
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i];
            var where = $"line {i + 1}: '{line}'";
            Assert.False(line.Length == 0, $"{where}: empty line");
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ');
                var name = space < 0 ? rest : rest[..space];
                Assert.Matches(MetricName(), name);
                Assert.True(help.TryAdd(name, space < 0 ? "" : rest[(space + 1)..]), $"{where}: second HELP for {name}");
            }
            else if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Assert.True(parts.Length == 2, $"{where}: TYPE needs a name and a type");
                Assert.Matches(MetricName(), parts[0]);
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.True(types.TryAdd(parts[0], parts[1]), $"{where}: second TYPE for {parts[0]}");
            }
            else
            {
                Assert.False(line.StartsWith('#'), $"{where}: unknown comment");
                var sample = ParseSample(line, where);
                var family = FamilyOf(sample.Name, types);
                Assert.True(family is not null, $"{where}: sample before its family's TYPE");
                samples.Add(sample);
            }
        }
        foreach (var name in types.Keys)
        {
            Assert.True(help.ContainsKey(name), $"{name} has a TYPE but no HELP");
        }
        return new Scrape(types, help, samples);
    }

    private static string? FamilyOf(string sample, Dictionary<string, string> types)
    {
        if (types.ContainsKey(sample))
        {
            return sample;
        }
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(sample[..^suffix.Length], out var type) && type is "histogram" or "summary")
            {
                return sample[..^suffix.Length];
            }
        }
        return null;
    }

    private static PrometheusSample ParseSample(string line, string where)
    {
        var pos = 0;
        while (pos < line.Length && line[pos] is not ('{' or ' '))
        {
            pos++;
        }
        var name = line[..pos];
        Assert.Matches(MetricName(), name);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (pos < line.Length && line[pos] == '{')
        {
            pos++;
            while (line[pos] != '}')
            {
                var eq = line.IndexOf('=', pos);
                Assert.True(eq > pos, $"{where}: label without '='");
                var label = line[pos..eq];
                Assert.Matches(LabelName(), label);
                Assert.True(line[eq + 1] == '"', $"{where}: label value must be quoted");
                pos = eq + 2;
                var value = new StringBuilder();
                while (line[pos] != '"')
                {
                    if (line[pos] == '\\')
                    {
                        pos++;
                        value.Append(line[pos] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var c => throw new Xunit.Sdk.XunitException($"{where}: invalid escape \\{c}"),
                        });
                    }
                    else
                    {
                        value.Append(line[pos]);
                    }
                    pos++;
                }
                Assert.True(labels.TryAdd(label, value.ToString()), $"{where}: label {label} twice");
                pos++;
                if (line[pos] == ',')
                {
                    pos++;
                }
            }
            pos++;
        }
        Assert.True(pos < line.Length && line[pos] == ' ', $"{where}: a space must separate the value");
        var valueText = line[(pos + 1)..];
        var number = valueText switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new Xunit.Sdk.XunitException($"{where}: value '{valueText}' is not a number"),
        };
        return new PrometheusSample(name, labels, number);
    }
}
