"""Every write of the incentives: points (`points`), the 爱心超市 (`shop`), the time bank
(`timebank`) and honours (`honours`).

Each action takes keyword arguments and the acting user, runs in one transaction, re-reads the
rows it changes under `select_for_update`, checks the move against one transition table, saves
with `update_fields`, writes an audit row, and sends notifications after commit. Points and hours
move only as ledger entries through `linli.ledger.actions` (`ledger_post` keeps the balance under
its row lock); stock moves only as `StockMove` rows written with the item's cached stock.
"""
