namespace AddMlp.Gpu;

/// <summary>What each row of a data file holds: pairs to add (predict), or pairs with a measured sum (eval, train).</summary>
public enum RowShape
{
    /// <summary>a, b.</summary>
    Pairs,

    /// <summary>a, b and y, the sum measured or recorded for them.</summary>
    Labelled,
}

public static class RowShapes
{
    /// <summary>The columns' names, which a header may give in any order.</summary>
    public static string[] Columns(this RowShape shape) => shape == RowShape.Pairs ? ["a", "b"] : ["a", "b", "y"];

    /// <summary>Numbers per row.</summary>
    public static int Width(this RowShape shape) => shape == RowShape.Pairs ? 2 : 3;
}
