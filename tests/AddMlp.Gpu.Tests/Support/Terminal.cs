using System.Text;

namespace AddMlp.Gpu.Tests;

/// <summary>
/// What a terminal of a given width shows after some output: carriage return, newline, erase to end of
/// line (ESC [ K; other escape sequences show nothing), and wrapping at the last column, as a terminal does. Enough to see whether a progress
/// bar overflows its line or a message lands on it.
/// </summary>
public static class Terminal
{
    public static IReadOnlyList<string> Screen(string output, int width)
    {
        var lines = new List<StringBuilder> { new() };
        int column = 0;
        for (int i = 0; i < output.Length; i++)
        {
            char c = output[i];
            StringBuilder line = lines[^1];
            if (c == '\r')
                column = 0;
            else if (c == '\n')
            {
                lines.Add(new StringBuilder());
                column = 0;
            }
            else if (c == '\u001b' && i + 1 < output.Length && output[i + 1] == '[')
            {
                // A control sequence: ESC [ parameters final-letter. Only "erase to end of line" shows.
                int end = i + 2;
                while (end < output.Length && !char.IsAsciiLetter(output[end]))
                    end++;
                if (end < output.Length && output[end] == 'K' && end == i + 2 && line.Length > column)
                    line.Length = column;
                i = end;
            }
            else if (c == '\u001b')
                i++; // ESC and one character (keypad modes the pseudo-terminal sets)
            else if (!char.IsControl(c))
            {
                if (column == width) // the last column was written: the terminal wraps
                {
                    lines.Add(line = new StringBuilder());
                    column = 0;
                }
                if (line.Length > column)
                    line[column] = c;
                else
                    line.Append(' ', column - line.Length).Append(c);
                column++;
            }
        }
        return [.. lines.Select(l => l.ToString().TrimEnd())];
    }
}
