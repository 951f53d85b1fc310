using PoolGuard.LoadTest.Running;

namespace PoolGuard.Tests.LoadTest;

/// <summary>`--stage`: the ramp's value at each moment, and when each arrival of the open model is due.</summary>
public sealed class LoadScheduleTests
{
    private static readonly LoadSchedule Ramp = new(0, [new Stage(TimeSpan.FromSeconds(2), 100), new Stage(TimeSpan.FromSeconds(3), 100), new Stage(TimeSpan.FromSeconds(1), 0)]);

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, 0)]
    [InlineData(1, 50)]
    [InlineData(2, 100)]
    [InlineData(4, 100)]
    [InlineData(5.5, 50)]
    [InlineData(9, 0)]
    public void A_stage_moves_linearly_from_where_the_last_one_ended(double seconds, double value) =>
        Assert.Equal(value, Ramp.ValueAt(seconds), 6);

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, 0)]
    [InlineData(1.99, 0)]
    [InlineData(2, 1)]
    [InlineData(5.5, 2)]
    [InlineData(60, 2)]
    public void The_stage_at_a_time_is_the_last_that_has_begun(double seconds, int stage) =>
        Assert.Equal(stage, Ramp.StageAt(seconds));

    [Fact]
    public void Arrivals_are_as_dense_as_the_rate_and_end_with_the_schedule()
    {
        // 0→100/s over 2 s is 100 arrivals, 3 s at 100/s 300 more, 100→0 over 1 s 50 more.
        Assert.Equal(0, Ramp.TimeOfArrival(0), 3);
        Assert.Equal(Math.Sqrt(2 * 25 / 50.0), Ramp.TimeOfArrival(25), 6); // ∫0..t 50·x dx = 25 t²
        Assert.Equal(2, Ramp.TimeOfArrival(100), 6);
        Assert.Equal(3.5, Ramp.TimeOfArrival(250), 6);
        Assert.Equal(5, Ramp.TimeOfArrival(400), 6);
        Assert.True(Ramp.TimeOfArrival(449) < 6);
        Assert.Equal(double.PositiveInfinity, Ramp.TimeOfArrival(451));
        Assert.Equal(TimeSpan.FromSeconds(6), Ramp.Duration);
        Assert.Equal(100, Ramp.Peak);
    }

    [Fact]
    public void A_constant_rate_spaces_arrivals_evenly_and_a_warm_up_holds_the_first_value()
    {
        var flat = LoadSchedule.Constant(200, TimeSpan.FromSeconds(10));
        Assert.Equal(0.5, flat.TimeOfArrival(100), 9);
        var warmed = new LoadSchedule(10, [new Stage(TimeSpan.FromSeconds(1), 30)]).After(TimeSpan.FromSeconds(2));
        Assert.Equal(10, warmed.ValueAt(1.5), 9);
        Assert.Equal(20, warmed.ValueAt(2.5), 9);
        Assert.Equal(2, warmed.TimeOfArrival(20), 6); // 2 s at 10/s
        Assert.Throws<ArgumentException>(() => new LoadSchedule(0, []));
        Assert.Throws<ArgumentException>(() => new LoadSchedule(0, [new Stage(TimeSpan.Zero, 5)]));
    }
}
