"""The reference: a bare Typer command that prints a Rich table."""

import typer

app = typer.Typer()


@app.command()
def main() -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("topic", "status")
    table.add_row("Tokenization", "done")
    Console().print(table)


if __name__ == "__main__":
    app()
