"""Reading pledges from text: amounts, donors, and what an amount in a clause is."""
