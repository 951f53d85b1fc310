using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Sources;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Checks.Rules;

/// <summary>What every rule sees: the pools found in the files, and the database's budget when it is known.</summary>
public sealed record CheckContext(IReadOnlyList<ClientPool> Pools, ConnectionBudget? Budget);

/// <summary>One rule, one stable id (<see cref="RuleIds"/>): reads the context, returns its findings.</summary>
public interface ICheckRule
{
    string Id { get; }

    /// <summary>One line for the rule list (docs/check.md has the bad and good example).</summary>
    string Title { get; }

    IEnumerable<Finding> Check(CheckContext context);
}
