"""What parley shows a person: the brief (plain words), the Markdown and HTML reports, charts.

No model logic lives here: the modules take what the analyses computed and render it.
"""
