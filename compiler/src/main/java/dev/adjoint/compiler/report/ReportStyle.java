package dev.adjoint.compiler.report;

/** The report page's style sheet, inline so that the page needs nothing beside it. */
final class ReportStyle {
  private ReportStyle() {}

  static final String CSS = """
      body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
      nav a { margin-right: 1em; }
      h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; }
      figure { display: inline-block; margin: 0.5em 1em 0.5em 0; }
      figure img { max-width: 360px; }
      table { border-collapse: collapse; font-size: 0.9em; }
      th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
      tr.best { background: #e3f4e3; font-weight: bold; }
      table.passes td:first-child { text-align: left; font-family: monospace; }
      tr.fired { background: #fff6d8; }
      .scroll { overflow: auto; max-height: 80vh; border: 1px solid #ddd; }
      svg.graph path { fill: none; stroke: #888; stroke-width: 1.2; }
      svg.graph rect { fill: #fff; stroke: #555; stroke-width: 1; }
      svg.graph .input rect { fill: #d6ebff; }
      svg.graph .param rect { fill: #fff8c9; }
      svg.graph .state rect { fill: #e4e4e4; }
      svg.graph .fused rect { fill: #ffd8a8; }
      svg.graph .product rect { stroke-width: 2.2; }
      svg.graph .output rect { stroke: #1a7f37; stroke-width: 2.5; }
      svg.graph .linked rect:hover { stroke: #0550ae; stroke-width: 2.5; }
      svg.graph text { font: 12px monospace; text-anchor: middle; fill: #111; }
      svg.graph text.type { fill: #555; font-size: 11px; }
      pre.code { background: #f6f8fa; padding: 1em; font-size: 12px; line-height: 1.35; overflow: auto; }
      pre.code .method { font-weight: bold; color: #0550ae; scroll-margin-top: 3em; }
      pre.code .method:target { background: #ffe08a; outline: 2px solid #d4a000; }
      """;
}
