using PoolGuard.Config.Alerts;
using PoolGuard.Config.Model;

namespace PoolGuard.Monitoring.Alerts;

/// <summary>
/// Evaluates alert rules over one set of series at a time, at times the caller gives (so tests drive it on
/// a fake clock). Per rule and series: the condition must hold for `for` before the alert fires, and a
/// firing alert resolves only when the value crosses back over the resolve threshold (or its series goes
/// away). Counters are read as their increase over the rule's window, from the values this engine saw.
/// Not thread-safe: one evaluator calls it.
/// </summary>
public sealed class AlertEngine
{
    private readonly Dictionary<string, Alert> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<(DateTimeOffset At, double Value)>> _counters = new(StringComparer.Ordinal);
    private List<CompiledRule> _rules = [];
    private bool _evaluated;

    public AlertEngine(IReadOnlyList<AlertRuleEntry> rules) => Replace(rules);

    public IReadOnlyList<AlertRuleEntry> Rules => [.. _rules.Select(r => r.Entry)];

    /// <summary>Pending and firing alerts after the last evaluation, firing first.</summary>
    public IReadOnlyList<Alert> Active =>
        [.. _active.Values.OrderBy(a => a.State == AlertState.Firing ? 0 : 1).ThenBy(a => a.Key, StringComparer.Ordinal)];

    /// <summary>
    /// New rules (a reload). Alerts keep their state by rule name and labels, judged by the new definition from
    /// the next evaluation on; the firing alerts of a rule that is gone resolve then.
    /// </summary>
    public void Replace(IReadOnlyList<AlertRuleEntry> rules)
    {
        var compiled = new List<CompiledRule>();
        foreach (var rule in rules)
        {
            // The validator refused every rule that does not parse; one that slips through is skipped, not thrown.
            if (AlertExpression.TryParse(rule.Expr, out var expression, out _))
            {
                compiled.Add(new CompiledRule(rule, expression!));
            }
        }
        _rules = compiled;
    }

    /// <summary>Evaluates every rule over <paramref name="series"/> as of <paramref name="now"/>; returns what began firing or resolved.</summary>
    public IReadOnlyList<AlertTransition> Evaluate(DateTimeOffset now, IReadOnlyList<MetricSeries> series)
    {
        var transitions = new List<AlertTransition>();
        var byName = series.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var windows = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var rule in _rules)
        {
            var candidates = byName.TryGetValue(rule.Expression.Metric, out var named) ? named : [];
            foreach (var s in candidates.Where(s => rule.Expression.Matchers.All(m => m.Matches(s.Labels.GetValueOrDefault(m.Label)))))
            {
                var value = s.Value;
                if (rule.Expression.IncreaseWindow is { } window)
                {
                    value = Increase(s, now, window);
                    windows[s.Key] = windows.TryGetValue(s.Key, out var longest) && longest > window ? longest : window;
                }
                var alert = Labelled(rule, s);
                seen.Add(alert.Key);
                Step(rule, alert, value, now, byName, transitions);
            }
        }

        foreach (var gone in _active.Values.Where(a => !seen.Contains(a.Key)).ToList())
        {
            _active.Remove(gone.Key);
            if (gone.State == AlertState.Firing)
            {
                transitions.Add(new AlertTransition(gone, Firing: false, now));
            }
        }

        PruneCounters(now, windows);
        _evaluated = true;
        return transitions;
    }

    private void Step(CompiledRule rule, Alert fresh, double value, DateTimeOffset now, Dictionary<string, List<MetricSeries>> byName, List<AlertTransition> transitions)
    {
        var expression = rule.Expression;
        _active.TryGetValue(fresh.Key, out var current);
        if (current is { State: AlertState.Firing })
        {
            if (expression.Holds(value, rule.Entry.Resolve ?? expression.Threshold))
            {
                _active[fresh.Key] = Render(rule, current with { Value = value }, byName);
            }
            else
            {
                // The summary stays the last firing one ("waited 7 s"), as Prometheus keeps an alert's last annotations:
                // re-rendered with the value that ended it, it would say "waited 0 s".
                _active.Remove(fresh.Key);
                transitions.Add(new AlertTransition(current with { Value = value }, Firing: false, now));
            }
            return;
        }

        if (!expression.Holds(value))
        {
            _active.Remove(fresh.Key);
            return;
        }

        var since = current?.ActiveSince ?? now;
        if (now - since >= rule.Entry.For)
        {
            var firing = Render(rule, fresh with { State = AlertState.Firing, Value = value, ActiveSince = since, FiringSince = now }, byName);
            _active[fresh.Key] = firing;
            transitions.Add(new AlertTransition(firing, Firing: true, now));
        }
        else
        {
            _active[fresh.Key] = Render(rule, fresh with { Value = value, ActiveSince = since }, byName);
        }
    }

    /// <summary>
    /// How much a counter grew over the window, from the values this engine recorded. A series first seen after
    /// the first evaluation is a new counter and counts from 0; a drop means the counter restarted.
    /// </summary>
    private double Increase(MetricSeries series, DateTimeOffset now, TimeSpan window)
    {
        if (!_counters.TryGetValue(series.Key, out var history))
        {
            history = new Queue<(DateTimeOffset, double)>();
            if (_evaluated)
            {
                history.Enqueue((DateTimeOffset.MinValue, 0)); // it started at 0, before any window
            }
            _counters[series.Key] = history;
        }
        if (history.Count == 0 || history.Last().At != now)
        {
            history.Enqueue((now, series.Value));
        }

        // The newest value at or before the window's start is the baseline; without one, the oldest kept.
        var baseline = history.Peek().Value;
        var total = 0.0;
        var previous = double.NaN;
        foreach (var (at, value) in history)
        {
            if (at <= now - window)
            {
                baseline = value;
                total = 0;
                previous = value;
                continue;
            }
            total += double.IsNaN(previous) ? value - baseline : value >= previous ? value - previous : value;
            previous = value;
        }
        return total;
    }

    /// <summary>Keeps per counter one value at or before the longest window any rule reads, and the ones after it.</summary>
    private void PruneCounters(DateTimeOffset now, Dictionary<string, TimeSpan> windows)
    {
        foreach (var key in _counters.Keys.Where(k => !windows.ContainsKey(k)).ToList())
        {
            _counters.Remove(key);
        }
        foreach (var (key, window) in windows)
        {
            var history = _counters[key];
            while (history.Count > 1 && history.ElementAt(1).At <= now - window)
            {
                history.Dequeue();
            }
        }
    }

    private static Alert Labelled(CompiledRule rule, MetricSeries series)
    {
        var labels = new Dictionary<string, string>(series.Labels, StringComparer.Ordinal);
        foreach (var (name, value) in rule.Entry.Labels)
        {
            labels[name] = value;
        }
        labels["alertname"] = rule.Entry.Name;
        labels["severity"] = rule.Entry.Severity;
        return new Alert(rule.Entry.Name, labels, AlertState.Pending, series.Value, default, null, rule.Entry.Severity, "", "", rule.Entry.RunbookUrl, rule.Expression.ToPromQl());
    }

    private static Alert Render(CompiledRule rule, Alert alert, Dictionary<string, List<MetricSeries>> byName)
    {
        string? Top(string metric, string label)
        {
            if (!byName.TryGetValue(metric, out var named))
            {
                return null;
            }
            var database = alert.Labels.GetValueOrDefault("database");
            return named.Where(s => database is null || s.Labels.GetValueOrDefault("database") == database)
                .OrderByDescending(s => s.Value).FirstOrDefault()?.Labels.GetValueOrDefault(label);
        }

        return alert with
        {
            Summary = AlertTemplate.Render(rule.Entry.Summary, alert.Labels, alert.Value, Top),
            Description = AlertTemplate.Render(rule.Entry.Description, alert.Labels, alert.Value, Top),
        };
    }

    private sealed record CompiledRule(AlertRuleEntry Entry, AlertExpression Expression);
}
