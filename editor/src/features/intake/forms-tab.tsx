/** The forms tab: lead forms with their hosted link and embed snippet; create and edit. */
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Empty, List, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api/client.ts';
import { loc } from '../../shared/loc.ts';
import { type Form, useForms } from './api.ts';
import { FormEditor } from './form-editor.tsx';
import { embedSnippet, hostedUrl } from './format.ts';

export function FormsTab() {
  const { t } = useTranslation();
  const forms = useForms();
  const [editing, setEditing] = useState<Form | 'new' | null>(null);
  return (
    <div data-testid="intake-forms">
      <div className="intake-toolbar">
        <Typography.Text type="secondary">{t('intake.forms.hint')}</Typography.Text>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setEditing('new')}
          data-testid="form-new"
        >
          {t('intake.forms.new')}
        </Button>
      </div>
      <List
        loading={forms.isPending}
        dataSource={forms.data ?? []}
        locale={{
          emptyText: forms.error ? (
            errorMessage(forms.error)
          ) : (
            <Empty description={t('intake.forms.empty')} />
          ),
        }}
        renderItem={(f) => (
          <List.Item
            data-testid={`form-row-${f.id}`}
            actions={[
              <Button
                key="edit"
                size="small"
                icon={<EditOutlined />}
                onClick={() => setEditing(f)}
                data-testid={`form-edit-${f.id}`}
              >
                {t('intake.forms.edit')}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={
                <span>
                  {loc(f.title)} {!f.active && <Tag>{t('intake.forms.off')}</Tag>}
                  <Tag color="green">{f.source}</Tag>
                </span>
              }
              description={
                <>
                  <Typography.Paragraph
                    className="intake-code"
                    copyable={{ text: hostedUrl(f.key) }}
                    style={{ marginBottom: 4 }}
                  >
                    {hostedUrl(f.key)}
                  </Typography.Paragraph>
                  <Typography.Text
                    type="secondary"
                    copyable={{
                      text: embedSnippet(f.key),
                      tooltips: [t('intake.forms.copyEmbed'), t('intake.forms.copied')],
                    }}
                  >
                    {t('intake.forms.embed')}
                  </Typography.Text>
                </>
              }
            />
          </List.Item>
        )}
      />
      {editing && (
        <FormEditor form={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </div>
  );
}
