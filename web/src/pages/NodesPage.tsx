// The cluster's SSH nodes the user's roles let them see (auth filters them by labels).
import { useEffect, useState } from "react";
import { z } from "zod";
import { apiGet, errorMessage } from "../api";
import { ColumnHeads, DataTable } from "../components/DataTable";
import { ErrorAlert } from "../components/ErrorAlert";
import { sitePath, useSession } from "../session";

const nodeSchema = z.object({
  id: z.string(),
  hostname: z.string(),
  addr: z.string(),
  labels: z.record(z.string(), z.string()),
});
type Node = z.infer<typeof nodeSchema>;

const listSchema = z.object({ items: z.array(nodeSchema) });

export function NodesPage() {
  const { ping } = useSession();
  const [nodes, setNodes] = useState<Node[]>();
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    document.title = "Nodes · Teleport";
    apiGet(sitePath(ping, "nodes"), { schema: listSchema }).then(
      (found) => setNodes([...found.items].sort((a, b) => a.hostname.localeCompare(b.hostname))),
      (error: unknown) => setFailure(errorMessage(error)),
    );
  }, [ping]);

  return (
    <section className="page">
      <h1>Nodes</h1>
      <ErrorAlert failure={failure} what="Could not load nodes" />
      {nodes === undefined ? (
        failure === undefined ? (
          <p aria-live="polite">Loading nodes…</p>
        ) : null
      ) : nodes.length === 0 ? (
        <p>No nodes you may access have joined the cluster.</p>
      ) : (
        <DataTable label="Nodes" head={<ColumnHeads names={["Name", "Address", "Labels"]} />}>
          {nodes.map((node) => (
            <tr key={node.id}>
              <td>{node.hostname}</td>
              <td>{node.addr}</td>
              <td>
                <ul className="labels" aria-label={`Labels of ${node.hostname}`}>
                  {Object.entries(node.labels).map(([key, value]) => (
                    <li key={key}>
                      {key}={value}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
