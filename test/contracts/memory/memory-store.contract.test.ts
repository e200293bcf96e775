import { MemoryStore } from '../../../src/adapters/persistence/memory/memory-store';
import { storeContracts } from '../store.contract';

storeContracts(async () => {
  const memory = new MemoryStore();
  return {
    store: {
      customers: memory.customers,
      products: memory.products,
      orders: memory.orders,
      ledger: memory.ledger,
      inventory: memory.inventory,
      unitOfWork: memory.unitOfWork,
      ledgerEntries: async (customerId) =>
        memory.tables.ledger.filter((entry) => entry.customerId === customerId),
      inventoryMovements: async (productId) =>
        memory.tables.inventory.filter((movement) => movement.productId === productId),
    },
    teardown: async () => undefined,
  };
});
