using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Rules;

/// <summary>One rule, one stable id (<see cref="RuleIds"/>): reads the context, returns its findings.</summary>
public interface ICheckRule
{
    string Id { get; }

    /// <summary>One line for the rule list (docs/check.md has the bad and good example).</summary>
    string Title { get; }

    IEnumerable<Finding> Check(CheckContext context);
}
