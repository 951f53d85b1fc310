using PoolGuard.Gateway.SessionCommands;

namespace PoolGuard.Tests.Gateway.SessionCommands;

public sealed class SessionCommandTagsTests
{
    [Fact]
    public void The_length_check_lets_through_exactly_the_lengths_of_the_tags_and_the_buffer_holds_the_longest()
    {
        byte[][] tags = [SessionCommandTags.Set.ToArray(), SessionCommandTags.Reset.ToArray(), SessionCommandTags.DiscardAll.ToArray(), SessionCommandTags.DeallocateAll.ToArray()];
        var lengths = tags.Select(t => t.Length).ToHashSet();
        for (var length = 0; length <= 64; length++)
        {
            Assert.Equal(lengths.Contains(length), SessionCommandTags.MayBe(length));
        }
        Assert.Equal(SessionCommandTags.MaxLength, lengths.Max());
        // "SELECT 1\0" (9), "COMMIT\0" (7), "BEGIN\0" (6, same as RESET: compared in full after the length check).
        Assert.False(SessionCommandTags.MayBe("SELECT 1\0".Length));
    }
}
