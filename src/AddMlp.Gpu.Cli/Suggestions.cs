namespace AddMlp.Gpu.Cli;

/// <summary>"Did you mean ...?" for a mistyped command or option.</summary>
public static class Suggestions
{
    /// <summary>
    /// The candidate nearest to <paramref name="typed"/> by edit distance (a letter added, dropped,
    /// changed, or two swapped), if it is near enough to be a typo: at most 1 edit for a word of up to 4
    /// letters, 2 for longer ones. Null when none is, or when two are equally near.
    /// </summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        int allowed = typed.TrimStart('-').Length <= 4 ? 1 : 2;
        var near = candidates.Distinct()
            .Select(c => (Word: c, Distance: Distance(typed, c)))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance)
            .ToList();
        return near.Count == 0 || (near.Count > 1 && near[1].Distance == near[0].Distance) ? null : near[0].Word;
    }

    /// <summary>Optimal string alignment distance: Levenshtein's, with a swap of neighbours counted as one edit.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
